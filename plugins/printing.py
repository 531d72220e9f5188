"""Printing: a deck's cards laid out as a printable page.

It will give the default layout through `register_print_layouts`
(`repetend.hooks.printing`); an add-on's layout of the same name replaces it. It implements
no hooks yet.
"""
