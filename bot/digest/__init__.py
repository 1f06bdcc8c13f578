"""The board digest: its content (content.py, pure over plain rows), the rows it reads (rows.py), the Word
and HTML reports, and the job that sends it before each board meeting (sending.py)."""
