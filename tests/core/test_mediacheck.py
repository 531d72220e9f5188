"""Check Media on real files in a collection's media folder."""

import base64
import hashlib
import unicodedata

from repetend.core import mediacheck


def put(col, name, data=b"data"):
    path = col.media_folder / name
    path.write_bytes(data)
    return path


def test_missing_unused_and_static_files(col, add):
    note = add("Basic", 'a <img src="here.jpg"> [sound:gone.mp3]', "<img src='also gone.png'>")
    add("Basic", "no media", "")
    put(col, "here.jpg")
    put(col, "lonely.png")
    put(col, "_style.css")  # for templates: never unused
    put(col, "empty.jpg", b"")  # zero-byte: ignored
    put(col, ".DS_Store")
    result = mediacheck.check_media(col)
    assert result.missing == ["also gone.png", "gone.mp3"]
    assert result.unused == ["lonely.png"]
    assert result.missing_note_ids == [note.id]
    assert result.report() == "\n".join([
        "Missing files: 2",
        "Unused files: 1",
        "",
        "The following files are referenced by cards, but were not found in the media folder:",
        "Missing: also gone.png",
        "Missing: gone.mp3",
        "",
        "The following files were found in the media folder, but do not appear to be used "
        "on any cards:",
        "Unused: lonely.png",
    ])
    assert col.undo_name() != "Check Media"  # nothing in the notes changed


def test_clean_folder_reports_zero_counts(col, add):
    add("Basic", '<img src="a.png">', "")
    put(col, "a.png")
    assert mediacheck.check_media(col).report() == "Missing files: 0\nUnused files: 0"


def test_non_normalized_names_are_renamed_and_fields_rewritten(col, add):
    decomposed = unicodedata.normalize("NFD", "café.jpg")
    note = add("Basic", f'<img src="{decomposed}">', "[sound:a:b.mp3]")
    put(col, decomposed)
    put(col, "a:b.mp3")
    (col.media_folder / "subdir").mkdir()
    result = mediacheck.check_media(col)
    assert result.renamed == {decomposed: "café.jpg", "a:b.mp3": "ab.mp3"}
    assert (col.media_folder / "café.jpg").exists() and (col.media_folder / "ab.mp3").exists()
    assert col.get_note(note.id).fields == ['<img src="café.jpg">', "[sound:ab.mp3]"]
    assert result.missing == [] and result.unused == []
    assert result.dirs == ["subdir"]
    report = result.report()
    assert report.splitlines()[:4] == ["Missing files: 0", "Unused files: 0",
                                       "Renamed files: 2", "Subfolders: 1"]
    assert "Some files have been renamed for compatibility:\nRenamed: a:b.mp3 -> ab.mp3" \
        in report
    assert "Folders inside the media folder are not supported.\nFolder: subdir" in report
    assert col.undo_name() == "Check Media"
    col.undo()
    assert col.get_note(note.id).fields[1] == "[sound:a:b.mp3]"


def test_inline_images_are_extracted(col, add):
    png = b"\x89PNG\r\n\x1a\nfake"
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    note = add("Basic", f'<img src="{url}">', "")
    result = mediacheck.check_media(col)
    name = f"paste-{hashlib.sha1(png).hexdigest()}.png"
    assert result.extracted == [name]
    assert (col.media_folder / name).read_bytes() == png
    assert col.get_note(note.id).fields[0] == f'<img src="{name}">'
    assert "Extracted images: 1" in result.report()
    # Anki 26.9 also lists the file it just wrote as missing until the next check; the
    # file is there, so it is neither missing nor unused here
    assert result.unused == [] and result.missing == []


def test_delete_unused_goes_to_trash_then_restore_and_empty(col, add):
    put(col, "old.png", b"12345")
    result = mediacheck.check_media(col)
    assert mediacheck.delete_unused(col, result.unused) == 1
    trash = col.path.parent / "media.trash"
    assert (trash / "old.png").read_bytes() == b"12345"
    assert not (col.media_folder / "old.png").exists()
    again = mediacheck.check_media(col)
    assert again.unused == []
    assert again.report().splitlines()[0] == "Trash folder: 1 file, 0.00MB"
    assert mediacheck.restore_trash(col) == 1
    assert (col.media_folder / "old.png").read_bytes() == b"12345"
    mediacheck.delete_unused(col, ["old.png"])
    assert mediacheck.empty_trash(col) == 1
    assert list(trash.iterdir()) == []
    assert mediacheck.check_media(col).trash_count == 0


def test_restore_keeps_a_different_file_of_the_same_name(col):
    put(col, "x.png", b"old")
    mediacheck.delete_unused(col, ["x.png"])
    put(col, "x.png", b"new")
    mediacheck.restore_trash(col)
    digest = hashlib.sha1(b"old").hexdigest()
    assert (col.media_folder / "x.png").read_bytes() == b"new"
    assert (col.media_folder / f"x-{digest}.png").read_bytes() == b"old"


def test_tag_missing_is_one_undoable_step(col, add):
    a = add("Basic", "[sound:nope.mp3]", "", tags=["keep"])
    b = add("Basic", '<img src="none.png">', "")
    c = add("Basic", "fine", "")
    result = mediacheck.check_media(col)
    assert mediacheck.tag_missing(col, result) == 2
    assert col.get_note(a.id).tags == ["keep", "missing-media"]
    assert col.get_note(b.id).tags == ["missing-media"]
    assert col.get_note(c.id).tags == []
    assert col.undo() == "Tag Missing"
    assert col.get_note(a.id).tags == ["keep"]
    assert col.get_note(b.id).tags == []


def test_a_reference_left_open_at_a_field_end_does_not_join_two_fields(col, add):
    """Each field is read on its own, as in Anki: `[sound:ab` + `.mp3]` refers to nothing,
    and the check must not rewrite it to `[sound:ab.mp3]`, merging the note's two fields."""
    note = add("Basic", "[sound:ab", ".mp3]")
    other = add("Basic", '<img src="x', 'y.png"> <img src="gone.png">')
    put(col, "ab.mp3")
    put(col, "xy.png")
    result = mediacheck.check_media(col)
    assert col.get_note(note.id).fields == ["[sound:ab", ".mp3]"]
    assert col.get_note(other.id).fields == ['<img src="x', 'y.png"> <img src="gone.png">']
    assert result.unused == ["ab.mp3", "xy.png"]
    assert result.missing == ["gone.png"] and result.missing_note_ids == [other.id]


def test_delete_unused_keeps_the_latex_images_and_reports_absent_ones(col, add):
    """The images Anki made for [latex]/[$]/[$$] are used (a cloze's text revealed, .svg for
    a note type with `latex_svg`); an absent one is missing, its note can be tagged."""
    from repetend.core.importing.latex import latex_image_name

    nt = col.notetypes.by_name("Basic (and reversed card)")
    nt.latex_svg = True
    col.notetypes.update(nt)
    basic = add("Basic", "[latex]x^2[/latex]", "[$$]absent[/$$]")
    add("Cloze", "[$]a {{c1::b}}[/$]", "")
    add("Basic (and reversed card)", "[$]s[/$]", "")
    kept = [latex_image_name("x^2"), latex_image_name("$a b$"),
            latex_image_name("$s$", svg=True)]
    unused = [latex_image_name("$s$"), latex_image_name("$a {{c1::b}}$"), "latex-old.png"]
    for name in kept + unused:
        put(col, name)
    result = mediacheck.check_media(col)
    assert result.unused == sorted(unused)
    absent = latex_image_name("\\begin{displaymath}absent\\end{displaymath}")
    assert latex_image_name("$a [...]$") in result.missing  # the question side's image
    assert absent in result.missing
    assert basic.id in result.missing_note_ids
    mediacheck.delete_unused(col, result.unused)
    assert all((col.media_folder / name).exists() for name in kept)
