"""The morning e-mail: the message built from the day's sheet (pure), and its delivery to
an SMTP server, with every answer the server can give sorted into sent, failed, retried or
unknown.

May import the words, the files, the disk and the engine.
"""
