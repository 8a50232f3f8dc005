"""The shipped call scripts, one text file a script, zh-CN/ and en/ (package data)."""
