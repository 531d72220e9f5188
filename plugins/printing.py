"""Printing: a deck's cards laid out as a printable page.

It will provide the default layout as a `trylast` implementation an add-on can replace.
It implements no hooks yet.
"""
