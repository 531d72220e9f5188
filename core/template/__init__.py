"""The card template engine: Anki-compatible `{{Field}}` templates, filters and clozes.

Pure standard library. `render_card` renders both sides of a card; the other functions
answer the questions card generation and template checks ask.
"""

from repetend.core.template.avtags import (
    AvTag,
    SoundTag,
    TTSTag,
    extract_av_tags,
    strip_av_tags,
)
from repetend.core.template.cardgen import (
    cloze_numbers_in_fields,
    template_cloze_field_references,
    template_field_references,
    template_renders,
    template_syntax_error,
)
from repetend.core.template.cloze import (
    cloze_numbers_in_string,
    cloze_text_for_typing,
    reveal_cloze_text,
)
from repetend.core.template.errors import (
    ConditionalNotClosed,
    ConditionalNotOpen,
    FieldNotFound,
    NoSuchConditional,
    TemplateError,
)
from repetend.core.template.fields import SPECIAL_FIELDS, field_is_empty, nonempty_fields
from repetend.core.template.render import (
    CardRenderContext,
    FieldFilter,
    RenderedCard,
    card_field_map,
    render_card,
)

__all__ = [
    "SPECIAL_FIELDS",
    "AvTag",
    "CardRenderContext",
    "ConditionalNotClosed",
    "ConditionalNotOpen",
    "FieldFilter",
    "FieldNotFound",
    "NoSuchConditional",
    "RenderedCard",
    "SoundTag",
    "TTSTag",
    "TemplateError",
    "card_field_map",
    "cloze_numbers_in_fields",
    "cloze_numbers_in_string",
    "cloze_text_for_typing",
    "extract_av_tags",
    "field_is_empty",
    "nonempty_fields",
    "render_card",
    "reveal_cloze_text",
    "strip_av_tags",
    "template_cloze_field_references",
    "template_field_references",
    "template_renders",
    "template_syntax_error",
]
