"""Commands on the collection: decks, note types, notes, cards, rendering, undo."""

from __future__ import annotations

import argparse

from repetend.host.cli import add_command, emit, open_host


def register(sub: argparse._SubParsersAction) -> None:
    add_command(sub, "plugins", cmd_plugins, "list the plugins that are loaded")
    add_command(sub, "decks", cmd_decks, "list the decks")
    add_command(sub, "notetypes", cmd_notetypes,
                "list the note types with their fields and templates")
    p = add_command(sub, "add", cmd_add, "add a note: one VALUE per field, in field order")
    p.add_argument("--deck", required=True, help="deck name (created if missing)")
    p.add_argument("--notetype", required=True, help="note type name")
    p.add_argument("--tags", default="", help="space-separated tags")
    p.add_argument("values", nargs="*", metavar="VALUE")
    p = add_command(sub, "notes", cmd_notes, "list notes")
    p.add_argument("--deck", help="only notes with a card in this deck")
    p = add_command(sub, "cards", cmd_cards, "list cards")
    p.add_argument("--deck", help="only cards in this deck")
    p.add_argument("--note", type=int, help="only cards of this note id")
    p = add_command(sub, "render", cmd_render,
                    "show a card's question and answer HTML as the reviewer shows them")
    p.add_argument("card_id", type=int, metavar="CARD_ID")
    p = add_command(sub, "empty-cards", cmd_empty_cards,
                    "list cards whose template shows nothing; --delete removes them")
    p.add_argument("--delete", action="store_true")
    p.add_argument("--delete-notes", action="store_true",
                   help="with --delete, also delete notes whose every card is empty")
    add_command(sub, "undo", cmd_undo, "undo the last change")
    add_command(sub, "redo", cmd_redo, "redo the last undone change")


def cmd_plugins(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        rows = host.plugins.plugins()
        text = "\n".join(f"{r['name']:<28} {r['status']:<9} {', '.join(r['hooks'])}"
                         for r in rows)
        if host.safe_mode:
            text = "Safe mode: only built-in plugins are loaded.\n" + text
        emit(args, {"safe_mode": host.safe_mode, "plugins": rows}, text)
    return 0


def cmd_decks(args: argparse.Namespace) -> int:
    from repetend.host import views

    with open_host(args) as host:
        decks = views.decks(host.col)
        emit(args, decks, "\n".join(
            f"{'  ' * (d['name'].count('::'))}{d['name'].split('::')[-1]}  "
            f"({d['card_count']} cards)  id={d['id']}" for d in decks))
    return 0


def cmd_notetypes(args: argparse.Namespace) -> int:
    from repetend.host import views

    with open_host(args) as host:
        nts = views.notetypes(host.col)
        emit(args, nts, "\n".join(
            f"{n['name']}  [{n['kind']}]  fields: {', '.join(f['name'] for f in n['fields'])}"
            f"  cards: {', '.join(t['name'] for t in n['templates'])}" for n in nts))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        col = host.col
        note = col.new_note(args.notetype)
        note.fields = list(args.values)
        note.tags = args.tags.split()
        # Look the deck up before creating it, so a refused note leaves no new deck behind.
        with col.op("Add Note"):
            cards = col.add_note(note, col.decks.id(args.deck))
        emit(args, {"note_id": note.id, "card_ids": [c.id for c in cards]},
              f"Added note {note.id} with {len(cards)} card(s): "
              f"{', '.join(str(c.id) for c in cards)}")
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    from repetend.host import views

    with open_host(args) as host:
        notes = views.notes(host.col, deck=args.deck)
        emit(args, notes, "\n".join(
            f"{n['id']}  {n['notetype']}: {' | '.join(n['fields'].values())}" for n in notes))
    return 0


def cmd_cards(args: argparse.Namespace) -> int:
    from repetend.host import views

    with open_host(args) as host:
        cards = views.cards(host.col, deck=args.deck, note_id=args.note)
        emit(args, cards, "\n".join(
            f"{c['id']}  {c['deck']}  {c['template']}  {c['question_text']}" for c in cards))
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        shown = host.render(host.col.get_card(args.card_id))
        emit(args, shown, f"Question:\n{shown['question']}\n\nAnswer:\n{shown['answer']}")
    return 0


def cmd_empty_cards(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        report = host.col.empty_cards()
        deleted = 0
        if args.delete:
            deleted = host.col.remove_empty_cards(report, keep_notes=not args.delete_notes)
        data = {"card_ids": report.card_ids, "deleted": deleted, "notes": [
            {"notetype": nt, "note_id": n.note_id, "sort_field": n.sort_field,
             "card_ids": n.empty_card_ids, "templates": n.empty_template_names}
            for nt, notes in report.by_notetype.items() for n in notes]}
        text = report.text() + (f"\nDeleted {deleted} card(s)." if args.delete else "")
        emit(args, data, text)
    return 0


def _undo_redo(args: argparse.Namespace, redo: bool) -> int:
    with open_host(args) as host:
        name = host.col.redo() if redo else host.col.undo()
        verb = "Redid" if redo else "Undid"
        emit(args, {"redone" if redo else "undone": name,
                     "undo": host.col.undo_name(), "redo": host.col.redo_name()},
              f"{verb}: {name}")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    return _undo_redo(args, redo=False)


def cmd_redo(args: argparse.Namespace) -> int:
    return _undo_redo(args, redo=True)
