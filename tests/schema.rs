//! The JSON Schema that `izumi schema` prints, generated from the loader's raw types, describes
//! the story files: every file of the built-in story and of the valid fixtures conforms, and files
//! with an unknown field, a wrong type, a bad id or a missing field do not. The checker here
//! covers the keywords the schema uses ($ref, anyOf, type, enum, properties, required,
//! additionalProperties, items, minItems, minLength, minimum, maximum, pattern) and refuses any
//! other, so that a keyword it would silently skip cannot appear.

mod common;

use std::path::Path;

use izumi::story::{SchemaKind, schema};
use regex::Regex;
use serde_json::Value as Json;
use toml::Value;

/// Keywords that only annotate: nothing to check.
const ANNOTATIONS: [&str; 7] = [
    "$schema",
    "$id",
    "$defs",
    "title",
    "description",
    "default",
    "format",
];

/// Keywords the checker applies.
const CHECKED: [&str; 14] = [
    "$ref",
    "anyOf",
    "type",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "minimum",
    "maximum",
    "pattern",
];

/// Every problem with `value` against `schema`, as "path: what".
fn check(root: &Json, schema: &Json, value: &Value, path: &str, problems: &mut Vec<String>) {
    for keyword in schema.as_object().expect("a schema is an object").keys() {
        assert!(
            ANNOTATIONS.contains(&keyword.as_str()) || CHECKED.contains(&keyword.as_str()),
            "the checker does not know the keyword {keyword:?}"
        );
    }
    if let Some(reference) = schema.get("$ref") {
        let name = reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .expect("references point into $defs");
        let target = &root["$defs"][name];
        assert!(target.is_object(), "{name} is defined");
        check(root, target, value, path, problems);
    }
    if let Some(options) = schema.get("anyOf") {
        let passing = options
            .as_array()
            .expect("anyOf is a list")
            .iter()
            .filter(|option| {
                let mut found = Vec::new();
                check(root, option, value, path, &mut found);
                found.is_empty()
            })
            .count();
        if passing == 0 {
            problems.push(format!("{path}: matches none of the anyOf choices"));
        }
    }
    if let Some(kind) = schema.get("type") {
        let kind = kind.as_str().expect("one type, not a list");
        let fits = matches!(
            (kind, value),
            ("object", Value::Table(_))
                | ("array", Value::Array(_))
                | ("string", Value::String(_))
                | ("integer", Value::Integer(_))
                | ("number", Value::Integer(_) | Value::Float(_))
                | ("boolean", Value::Boolean(_))
        );
        if !fits {
            problems.push(format!("{path}: expected {kind}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Json::as_array)
        && let Value::String(text) = value
        && !allowed.iter().any(|word| word.as_str() == Some(text))
    {
        let allowed: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        problems.push(format!(
            "{path}: {text:?} is not one of {}",
            allowed.join(", ")
        ));
    }
    if let Some(minimum) = schema.get("minLength").and_then(Json::as_u64)
        && let Value::String(text) = value
        && (text.chars().count() as u64) < minimum
    {
        problems.push(format!("{path}: shorter than {minimum}"));
    }
    if let Some(pattern) = schema.get("pattern")
        && let Value::String(text) = value
    {
        let pattern = Regex::new(pattern.as_str().unwrap()).expect("the pattern is a regex");
        if !pattern.is_match(text) {
            problems.push(format!("{path}: {text:?} does not match {pattern}"));
        }
    }
    let number = value.as_float().or(value.as_integer().map(|n| n as f64));
    if let (Some(number), Some(minimum)) = (number, schema.get("minimum").and_then(Json::as_f64))
        && number < minimum
    {
        problems.push(format!("{path}: below {minimum}"));
    }
    if let (Some(number), Some(maximum)) = (number, schema.get("maximum").and_then(Json::as_f64))
        && number > maximum
    {
        problems.push(format!("{path}: above {maximum}"));
    }
    if let Value::Table(table) = value {
        let properties = schema.get("properties").and_then(Json::as_object);
        for required in schema
            .get("required")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let name = required.as_str().unwrap();
            if !table.contains_key(name) {
                problems.push(format!("{path}: missing {name}"));
            }
        }
        for (key, item) in table {
            match properties.and_then(|properties| properties.get(key)) {
                Some(property) => check(root, property, item, &format!("{path}.{key}"), problems),
                None if schema.get("additionalProperties") == Some(&Json::Bool(false)) => {
                    problems.push(format!("{path}: unknown field {key}"));
                }
                None => {}
            }
        }
    }
    if let Value::Array(items) = value {
        if let Some(minimum) = schema.get("minItems").and_then(Json::as_u64)
            && (items.len() as u64) < minimum
        {
            problems.push(format!("{path}: fewer than {minimum} items"));
        }
        if let Some(maximum) = schema.get("maxItems").and_then(Json::as_u64)
            && (items.len() as u64) > maximum
        {
            problems.push(format!("{path}: more than {maximum} items"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(root, item_schema, item, &format!("{path}[{i}]"), problems);
            }
        }
    }
}

fn problems(kind: SchemaKind, text: &str) -> Vec<String> {
    let schema: Json = serde_json::from_str(&schema(Some(kind))).expect("the schema is JSON");
    assert_eq!(schema["$ref"], format!("#/$defs/{}", kind.name()));
    let value: Value = toml::from_str(text).expect("the file is TOML");
    let mut found = Vec::new();
    check(&schema, &schema, &value, "", &mut found);
    found
}

fn kind_of(relative: &Path) -> SchemaKind {
    match relative.to_str().unwrap() {
        "story.toml" => SchemaKind::Story,
        "characters.toml" => SchemaKind::Characters,
        "footnotes.toml" => SchemaKind::Footnotes,
        "editor_notes.toml" => SchemaKind::EditorNotes,
        "locations.toml" => SchemaKind::Locations,
        "glossary.toml" => SchemaKind::Glossary,
        _ => SchemaKind::Episode,
    }
}

fn check_folder(dir: &Path) {
    let mut files = Vec::new();
    for folder in [dir.to_path_buf(), dir.join("episodes")] {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            if entry.path().extension().is_some_and(|ext| ext == "toml") {
                files.push(entry.path());
            }
        }
    }
    assert!(files.len() >= 6);
    for file in files {
        let relative = file.strip_prefix(dir).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let found = problems(kind_of(relative), &text);
        assert!(found.is_empty(), "{}: {found:?}", file.display());
    }
}

#[test]
fn the_schema_is_json_and_names_every_kind_of_file() {
    let document: Json = serde_json::from_str(&schema(None)).unwrap();
    // The build script's copy keeps the fields' order and this one need not: compare values.
    let fresh: Json = serde_json::from_str(&izumi::story::schema::generate()).unwrap();
    assert!(
        document == fresh,
        "the schema built in is the one the raw types give"
    );
    assert!(
        document.get("$ref").is_none(),
        "the whole document has no root kind"
    );
    let names: Vec<&str> = SchemaKind::ALL.iter().map(|kind| kind.name()).collect();
    assert_eq!(
        names,
        [
            "story",
            "characters",
            "footnotes",
            "editor-notes",
            "locations",
            "glossary",
            "episode"
        ]
    );
    for kind in SchemaKind::ALL {
        let definition = &document["$defs"][kind.name()];
        assert_eq!(definition["type"], "object", "{kind:?}");
        assert_eq!(definition["additionalProperties"], false, "{kind:?}");
    }
}

#[test]
fn the_built_in_story_and_the_fixtures_conform() {
    check_folder(&Path::new(env!("CARGO_MANIFEST_DIR")).join("story"));
    check_folder(&common::journey_dir());
}

#[test]
fn unknown_fields_wrong_types_and_missing_fields_do_not() {
    let found = problems(
        SchemaKind::Episode,
        "id = \"x\"\ntitle = \"X\"\nlocation = \"oslo\"\nperiod = 1920\n\
         [[scene]]\nid = \"Bad Id\"\ntitle = \"T\"\ndate = \"1920\"\nlocations = []\ntext = \"t\"\ncolour = \"red\"\n",
    );
    assert_eq!(
        found,
        [
            ".period: matches none of the anyOf choices",
            ".scene[0]: unknown field colour",
            ".scene[0].id: \"Bad Id\" does not match ^[a-z0-9]+(-[a-z0-9]+)*$",
            ".scene[0].locations: fewer than 1 items",
        ]
    );
    assert_eq!(
        problems(
            SchemaKind::Locations,
            "[[location]]\nid = \"a\"\nname = \"A\"\nlat = 95.0\nlon = 0.0\n"
        ),
        [
            ".location[0]: missing modern_name",
            ".location[0]: missing country",
            ".location[0].lat: above 90",
        ]
    );
    assert_eq!(
        problems(
            SchemaKind::Story,
            "title = 1\nepisodes = []\n[source]\ncitation = \"c\"\nyear = 1\n"
        ),
        [
            ".episodes: fewer than 1 items",
            ".source: unknown field year",
            ".title: expected string",
        ]
    );
    assert_eq!(
        problems(SchemaKind::Footnotes, "[[footnote]]\nnumber = 0\n"),
        [".footnote[0].number: below 1"]
    );
    assert_eq!(
        problems(
            SchemaKind::Episode,
            "id = \"x\"\ntitle = \"X\"\nlocation = \"oslo\"\n\
             period = { disputed = [{ date = \"1920\", according_to = \"A\" }] }\n"
        ),
        [".period: matches none of the anyOf choices"],
        "a disputed date needs two claims"
    );
}

#[test]
fn hedged_identifications_need_a_name_and_a_known_certainty() {
    assert_eq!(
        problems(
            SchemaKind::Characters,
            "[[character]]\nid = \"a\"\nname = \"A\"\nrole = \"r\"\nbio = \"b\"\n\
             [[character.identified_as]]\nname = \"\"\ncertainty = \"likely\"\n\
             [[character.identified_as]]\nname = \"X\"\ncertainty = \"possible\"\nbasis = \"why\"\n"
        ),
        [
            ".character[0].identified_as[0].certainty: \"likely\" is not one of \"probable\", \"possible\"",
            ".character[0].identified_as[0].name: shorter than 1",
        ]
    );
}

#[test]
fn editor_notes_need_an_id_and_some_text() {
    assert_eq!(
        problems(
            SchemaKind::EditorNotes,
            "[[note]]\nid = \"Slip\"\ntext = \"\"\n[[note]]\ntext = \"t\"\nnumber = 1\n"
        ),
        [
            ".note[0].id: \"Slip\" does not match ^[a-z0-9]+(-[a-z0-9]+)*$",
            ".note[0].text: shorter than 1",
            ".note[1]: missing id",
            ".note[1]: unknown field number",
        ]
    );
}

#[test]
fn the_loader_and_the_schema_know_the_same_certainty_words() {
    let document: Json = serde_json::from_str(&schema(None)).unwrap();
    let words: Vec<&str> = document["$defs"]["certainty"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|word| word.as_str().unwrap())
        .collect();
    let loader: Vec<&str> = izumi::story::Certainty::ALL
        .iter()
        .map(|certainty| certainty.word())
        .collect();
    assert_eq!(words, loader);
}

#[test]
fn the_loader_and_the_schema_agree_on_which_ids_are_valid() {
    loader_and_schema_agree(
        "id",
        izumi::story::raw::ID_PATTERN,
        izumi::story::validate::is_valid_id,
        &[
            ("a", true),
            ("a1", true),
            ("1a", true),
            ("1941", true),
            ("elena-perskaia", true),
            ("a-b-c", true),
            ("harbin-1927-2", true),
            ("", false),
            ("a--b", false),
            ("-a", false),
            ("a-", false),
            ("-", false),
            ("A", false),
            ("Elena", false),
            ("ü", false),
            ("a b", false),
            ("a_b", false),
            ("a.b", false),
            ("a\n", false),
            ("\na", false),
        ],
    );
}

#[test]
fn the_loader_and_the_schema_agree_on_which_passage_labels_are_valid() {
    loader_and_schema_agree(
        "passage",
        izumi::story::raw::PASSAGE_PATTERN,
        |label| izumi::story::Passage::parse(label).is_some(),
        &[
            ("P1", true),
            ("P69", true),
            ("P 12", true),
            ("fn 4", true),
            ("fn4", true),
            ("fn 58", true),
            ("", false),
            ("P", false),
            ("fn", false),
            ("P0", false),
            ("P012", false),
            ("fn 0", false),
            ("p12", false),
            ("FN 4", false),
            ("fn  4", false),
            ("fn. 4", false),
            (" P1", false),
            ("P1 ", false),
            ("P1\n", false),
            ("P12a", false),
            ("12", false),
        ],
    );
}

/// The schema's pattern `name` is the loader's `constant`, and the two judge every case alike.
fn loader_and_schema_agree(
    name: &str,
    constant: &str,
    loader: impl Fn(&str) -> bool,
    cases: &[(&str, bool)],
) {
    let document: Json = serde_json::from_str(&schema(None)).unwrap();
    let pattern = document["$defs"][name]["pattern"].as_str().unwrap();
    assert_eq!(pattern, constant);
    let pattern = Regex::new(pattern).unwrap();
    for &(text, valid) in cases {
        assert_eq!(loader(text), valid, "the loader on {text:?}");
        assert_eq!(pattern.is_match(text), valid, "the schema on {text:?}");
    }
}

#[test]
fn questions_need_an_id_a_prompt_and_two_to_six_choices() {
    let episode = "id = \"x\"\ntitle = \"X\"\nlocation = \"oslo\"\nperiod = \"1920\"\n\
                   [[scene]]\nid = \"s\"\ntitle = \"T\"\ndate = \"1920\"\nlocations = [\"oslo\"]\ntext = \"t\"\n";
    let good = format!(
        "{episode}[[scene.question]]\nid = \"q\"\nprompt = \"Where?\"\nchoices = [\"A\", \"B\"]\n\
         answer = \"A\"\nexplain = \"Because.[^1]\"\n"
    );
    assert_eq!(problems(SchemaKind::Episode, &good), Vec::<String>::new());
    let bad = format!(
        "{episode}[[scene.question]]\nid = \"Q 1\"\nprompt = \"\"\nchoices = [\"A\"]\nhint = \"h\"\n\
         [[scene.question]]\nprompt = \"P\"\nchoices = [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\"]\n"
    );
    assert_eq!(
        problems(SchemaKind::Episode, &bad),
        [
            ".scene[0].question[0].choices: fewer than 2 items",
            ".scene[0].question[0]: unknown field hint",
            ".scene[0].question[0].id: \"Q 1\" does not match ^[a-z0-9]+(-[a-z0-9]+)*$",
            ".scene[0].question[0].prompt: shorter than 1",
            ".scene[0].question[1]: missing id",
            ".scene[0].question[1].choices: more than 6 items",
        ]
    );
}
