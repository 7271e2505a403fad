//! The story files exactly as written: serde types that mirror the TOML, reject unknown fields and
//! keep the position of every value that validation may need to point at.

use serde::Deserialize;
use toml::Spanned;

/// `story.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStory {
    pub title: String,
    pub subtitle: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub episodes: Spanned<Vec<Spanned<String>>>,
    pub source: RawSource,
}

/// The `[source]` table of `story.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub citation: String,
}

/// `characters.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCharacters {
    #[serde(default)]
    pub character: Vec<RawCharacter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCharacter {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub born: Option<Spanned<String>>,
    pub died: Option<Spanned<String>>,
    pub role: String,
    #[serde(default)]
    pub code_names: Vec<String>,
    pub bio: String,
}

/// `footnotes.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFootnotes {
    #[serde(default)]
    pub footnote: Vec<RawFootnote>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFootnote {
    pub number: Spanned<u32>,
    pub citation: Option<String>,
    pub note: Option<String>,
}

/// `locations.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocations {
    #[serde(default)]
    pub location: Vec<RawLocation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocation {
    pub id: Spanned<String>,
    pub name: String,
    pub modern_name: String,
    pub country: String,
    pub lat: Spanned<f64>,
    pub lon: Spanned<f64>,
}

/// `glossary.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGlossary {
    #[serde(default)]
    pub term: Vec<RawTerm>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    pub id: Spanned<String>,
    pub term: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub definition: String,
}

/// `episodes/NN-name.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEpisode {
    pub id: Spanned<String>,
    pub title: String,
    pub location: Spanned<String>,
    pub period: Spanned<RawDate>,
    #[serde(default)]
    pub scene: Vec<RawScene>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScene {
    pub id: Spanned<String>,
    pub title: String,
    pub date: Spanned<RawDate>,
    pub locations: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub characters: Vec<Spanned<String>>,
    pub text: Spanned<String>,
    pub notes: Option<String>,
}

/// A date: a string, or a table of disputed claims.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a date string such as \"May 1941\", or a table `{ disputed = [{ date = \"…\", according_to = \"…\" }, …] }`"
)]
pub enum RawDate {
    Text(String),
    Disputed(RawDisputed),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisputed {
    pub disputed: Vec<RawClaim>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClaim {
    pub date: String,
    pub according_to: String,
}
