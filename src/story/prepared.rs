//! The story built into the binary. The build script loads and validates `story/` with the same
//! loader as `--story DIR` and stores the finished model; start-up only decodes it, so the first
//! frame does not wait for TOML parsing and validation.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use super::{SchemaKind, Story, StoryErrors};

/// The validated story as the build script left it (postcard-encoded `Story`).
static PREPARED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/story.postcard"));

/// The built-in story's fingerprint, known before it is decoded.
static FINGERPRINT: &str = include_str!(concat!(env!("OUT_DIR"), "/story.fingerprint"));

/// The story files' JSON Schema, as the build script generated it from the raw types.
static SCHEMA: &str = include_str!(concat!(env!("OUT_DIR"), "/story.schema.json"));

/// The JSON Schema of the story files (`izumi schema`): the whole document, or, for one kind of
/// file, the same document rooted at that kind's definition, so that it stands alone.
pub fn schema(kind: Option<SchemaKind>) -> String {
    match kind {
        None => SCHEMA.to_owned(),
        // The document opens with "{\n": the reference goes in as its first member.
        Some(kind) => SCHEMA.replacen(
            '\n',
            &format!("\n  \"$ref\": \"#/$defs/{}\",\n", kind.name()),
            1,
        ),
    }
}

/// The story built into the binary.
pub fn load_embedded() -> Story {
    // The bytes were written by this same build from this same model type, so they decode;
    // `tests/load.rs` checks that they equal a fresh load of `story/`.
    postcard::from_bytes(PREPARED).expect("the prepared story decodes")
}

/// Where a story comes from.
#[derive(Clone, Debug)]
pub enum StorySource {
    /// The story built into the binary.
    Embedded,
    /// A story folder on disk.
    Dir(PathBuf),
}

impl StorySource {
    /// The source named on the command line, or the embedded story.
    pub fn from_option(dir: Option<PathBuf>) -> Self {
        dir.map_or(Self::Embedded, Self::Dir)
    }

    /// The story, loaded and validated.
    pub fn load(&self) -> Result<Story, StoryErrors> {
        match self {
            Self::Embedded => Ok(load_embedded()),
            Self::Dir(dir) => super::load(dir),
        }
    }

    /// Starts loading: a folder is loaded and checked now, so that its errors come before
    /// anything else; the built-in story, which cannot fail, is decoded on another thread while
    /// the caller gets the terminal ready.
    pub fn start_loading(&self) -> Result<Loading, StoryErrors> {
        match self {
            Self::Embedded => Ok(Loading::Decoding(thread::spawn(load_embedded))),
            Self::Dir(dir) => super::load(dir).map(|story| Loading::Ready(Arc::new(story))),
        }
    }
}

/// A story on its way. Once there it is shared: by the reader, and by the readers the
/// presenter serves over SSH.
pub enum Loading {
    Ready(Arc<Story>),
    /// The built-in story, being decoded.
    Decoding(JoinHandle<Story>),
}

impl Loading {
    /// The story's fingerprint, without waiting for it.
    pub fn fingerprint(&self) -> &str {
        match self {
            Self::Ready(story) => &story.fingerprint,
            Self::Decoding(_) => FINGERPRINT,
        }
    }

    /// The story, once it is there.
    pub fn wait(self) -> Arc<Story> {
        match self {
            Self::Ready(story) => story,
            Self::Decoding(decoding) => Arc::new(
                decoding
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            ),
        }
    }

    /// The story if it is there already (a folder, or the built-in story once waited for).
    pub fn ready(&self) -> Option<Arc<Story>> {
        match self {
            Self::Ready(story) => Some(Arc::clone(story)),
            Self::Decoding(_) => None,
        }
    }
}
