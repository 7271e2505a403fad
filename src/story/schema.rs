//! The JSON Schema of the story files, generated from the types that read them (`raw.rs`), so
//! that the schema editors check against and the loader cannot drift apart. The build script runs
//! [`generate`] and the binary embeds its output (see `prepared.rs`), so izumi carries the text,
//! not the generator.

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::transform::{RecursiveTransform, Transform};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use super::raw::{
    RawCharacters, RawEditorNotes, RawEpisode, RawFootnotes, RawGlossary, RawLocations, RawStory,
};

/// The kinds of story file; each has its own definition in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaKind {
    Story,
    Characters,
    Footnotes,
    EditorNotes,
    Locations,
    Glossary,
    Episode,
}

impl SchemaKind {
    /// Every kind, in the order the schema lists them.
    pub const ALL: [Self; 7] = [
        Self::Story,
        Self::Characters,
        Self::Footnotes,
        Self::EditorNotes,
        Self::Locations,
        Self::Glossary,
        Self::Episode,
    ];

    /// The kind's name: its definition under `$defs`, and the word `izumi schema` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Story => "story",
            Self::Characters => "characters",
            Self::Footnotes => "footnotes",
            Self::EditorNotes => "editor-notes",
            Self::Locations => "locations",
            Self::Glossary => "glossary",
            Self::Episode => "episode",
        }
    }

    fn schema(self, generator: &mut SchemaGenerator) -> Schema {
        match self {
            Self::Story => RawStory::json_schema(generator),
            Self::Characters => RawCharacters::json_schema(generator),
            Self::Footnotes => RawFootnotes::json_schema(generator),
            Self::EditorNotes => RawEditorNotes::json_schema(generator),
            Self::Locations => RawLocations::json_schema(generator),
            Self::Glossary => RawGlossary::json_schema(generator),
            Self::Episode => RawEpisode::json_schema(generator),
        }
    }
}

/// The whole schema, pretty-printed: one document whose `$defs` hold a definition per kind of
/// file (and the `id` and `date` they share); `izumi schema KIND` roots it at one of them.
pub fn generate() -> String {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let mut kinds = Vec::new();
    for kind in SchemaKind::ALL {
        let mut schema = kind.schema(&mut generator);
        tidy(&mut schema);
        kinds.push((kind.name().to_owned(), schema.to_value()));
    }
    let mut definitions = Map::new();
    for (name, mut schema) in generator.take_definitions(true) {
        if let Ok(schema) = <&mut Schema>::try_from(&mut schema) {
            tidy(schema);
        }
        definitions.insert(name, schema);
    }
    definitions.extend(kinds);
    let document = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://izumi.invalid/story.schema.json",
        "title": "izumi story files",
        "description": "The files of an izumi story folder. Each file kind has its own schema \
                        under $defs; `izumi schema KIND` prints one on its own.",
        "$defs": definitions,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("a JSON value prints");
    text.push('\n');
    text
}

/// Fits schemars' output to TOML, throughout: TOML has no null, so an optional field is its type
/// or absent, not also `null`; and a description written over several doc-comment lines reads as
/// one line.
fn tidy(schema: &mut Schema) {
    let mut transform = RecursiveTransform(|schema: &mut Schema| {
        if let Some(Value::Array(types)) = schema.get_mut("type") {
            types.retain(|t| t != "null");
            if let [single] = types.as_slice() {
                let single = single.clone();
                schema.insert("type".to_owned(), single);
            }
        }
        if let Some(Value::String(description)) = schema.get_mut("description") {
            *description = description
                .split("\n\n")
                .map(|paragraph| paragraph.replace('\n', " "))
                .collect::<Vec<_>>()
                .join("\n\n");
        }
    });
    transform.transform(schema);
}
