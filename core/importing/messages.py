"""The protobuf messages found in Anki packages and schema-18 collections.

Field numbers are those of Anki's public `.proto` files (`notetypes`, `decks`,
`deck_config`, `import_export`); the definitions here are our own, in `protobuf.F` form.
"""

from __future__ import annotations

from repetend.core.importing.protobuf import F, Schema

PACKAGE_METADATA: Schema = {1: F("version", "uint")}
VERSION_LEGACY_1, VERSION_LEGACY_2, VERSION_LATEST = 1, 2, 3

MEDIA_ENTRY: Schema = {
    1: F("name", "string"),
    2: F("size", "uint"),
    3: F("sha1", "bytes"),
    255: F("legacy_zip_filename", "uint", optional=True),
}
MEDIA_ENTRIES: Schema = {1: F("entries", "message", repeated=True, schema=MEDIA_ENTRY)}

CARD_REQUIREMENT: Schema = {
    1: F("card_ord", "uint"),
    2: F("kind", "uint"),  # 0 none, 1 any, 2 all
    3: F("field_ords", "uint", repeated=True),
}
NOTETYPE_CONFIG: Schema = {
    1: F("kind", "uint"),
    2: F("sort_field_idx", "uint"),
    3: F("css", "string"),
    4: F("target_deck_id_unused", "int"),
    5: F("latex_pre", "string"),
    6: F("latex_post", "string"),
    7: F("latex_svg", "bool"),
    8: F("reqs", "message", repeated=True, schema=CARD_REQUIREMENT),
    9: F("original_stock_kind", "uint"),
    10: F("original_id", "int", optional=True),
    255: F("other", "bytes"),
}
FIELD_CONFIG: Schema = {
    1: F("sticky", "bool"),
    2: F("rtl", "bool"),
    3: F("font_name", "string"),
    4: F("font_size", "uint"),
    5: F("description", "string"),
    6: F("plain_text", "bool"),
    7: F("collapsed", "bool"),
    8: F("exclude_from_search", "bool"),
    9: F("id", "int", optional=True),
    10: F("tag", "uint", optional=True),
    11: F("prevent_deletion", "bool"),
    255: F("other", "bytes"),
}
TEMPLATE_CONFIG: Schema = {
    1: F("q_format", "string"),
    2: F("a_format", "string"),
    3: F("q_format_browser", "string"),
    4: F("a_format_browser", "string"),
    5: F("target_deck_id", "int"),
    6: F("browser_font_name", "string"),
    7: F("browser_font_size", "uint"),
    8: F("id", "int", optional=True),
    255: F("other", "bytes"),
}

DECK_COMMON: Schema = {
    1: F("study_collapsed", "bool"),
    2: F("browser_collapsed", "bool"),
    3: F("last_day_studied", "uint"),
    4: F("new_studied", "int"),
    5: F("review_studied", "int"),
    6: F("learning_studied", "int"),
    7: F("milliseconds_studied", "int"),
    255: F("other", "bytes"),
}
DAY_LIMIT: Schema = {1: F("limit", "uint"), 2: F("today", "uint")}
DECK_NORMAL: Schema = {
    1: F("config_id", "int"),
    2: F("extend_new", "uint"),
    3: F("extend_review", "uint"),
    4: F("description", "string"),
    5: F("markdown_description", "bool"),
    6: F("review_limit", "uint", optional=True),
    7: F("new_limit", "uint", optional=True),
    8: F("review_limit_today", "message", schema=DAY_LIMIT),
    9: F("new_limit_today", "message", schema=DAY_LIMIT),
    10: F("desired_retention", "float", optional=True),
}
SEARCH_TERM: Schema = {1: F("search", "string"), 2: F("limit", "uint"), 3: F("order", "uint")}
DECK_FILTERED: Schema = {
    1: F("reschedule", "bool"),
    2: F("search_terms", "message", repeated=True, schema=SEARCH_TERM),
    3: F("delays", "float", repeated=True),
    4: F("preview_delay", "uint"),
    5: F("preview_hard_secs", "uint"),
    6: F("preview_good_secs", "uint"),
    7: F("preview_again_secs", "uint"),
}
DECK_KIND: Schema = {
    1: F("normal", "message", schema=DECK_NORMAL),
    2: F("filtered", "message", schema=DECK_FILTERED),
}

DECK_CONFIG: Schema = {
    1: F("learn_steps", "float", repeated=True),
    2: F("relearn_steps", "float", repeated=True),
    3: F("fsrs_params_4", "float", repeated=True),
    4: F("easy_days_percentages", "float", repeated=True),
    5: F("fsrs_params_5", "float", repeated=True),
    6: F("fsrs_params_6", "float", repeated=True),
    9: F("new_per_day", "uint"),
    10: F("reviews_per_day", "uint"),
    11: F("initial_ease", "float"),
    12: F("easy_multiplier", "float"),
    13: F("hard_multiplier", "float"),
    14: F("lapse_multiplier", "float"),
    15: F("interval_multiplier", "float"),
    16: F("maximum_review_interval", "uint"),
    17: F("minimum_lapse_interval", "uint"),
    18: F("graduating_interval_good", "uint"),
    19: F("graduating_interval_easy", "uint"),
    20: F("new_card_insert_order", "uint"),
    21: F("leech_action", "uint"),
    22: F("leech_threshold", "uint"),
    23: F("disable_autoplay", "bool"),
    24: F("cap_answer_time_to_secs", "uint"),
    25: F("show_timer", "bool"),
    26: F("skip_question_when_replaying_answer", "bool"),
    27: F("bury_new", "bool"),
    28: F("bury_reviews", "bool"),
    29: F("bury_interday_learning", "bool"),
    30: F("new_mix", "uint"),
    31: F("interday_learning_mix", "uint"),
    32: F("new_card_sort_order", "uint"),
    33: F("review_order", "uint"),
    34: F("new_card_gather_priority", "uint"),
    35: F("new_per_day_minimum", "uint"),
    36: F("question_action", "uint"),
    37: F("desired_retention", "float"),
    38: F("stop_timer_on_answer", "bool"),
    40: F("historical_retention", "float"),
    41: F("seconds_to_show_question", "float"),
    42: F("seconds_to_show_answer", "float"),
    43: F("answer_action", "uint"),
    44: F("wait_for_audio", "bool"),
    45: F("param_search", "string"),
    46: F("ignore_revlogs_before_date", "string"),
    255: F("other", "bytes"),
}
