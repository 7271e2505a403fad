//! The story: its model, the files it is written in, and the loader that checks them.

pub mod coverage;
pub mod date;
pub mod diagnostic;
mod hostile;
pub mod id;
pub mod load;
pub mod model;
mod prepared;
pub mod raw;
pub mod reach;
pub mod schema;
pub mod synthetic;
pub mod text;
pub mod validate;

pub use date::{DateRange, Day, StoryDate};
pub use diagnostic::{Diagnostic, StoryErrors};
pub use load::{load, warnings};
pub use model::*;
pub use prepared::{Loading, StorySource, load_embedded, schema};
pub use reach::{MORE_LATER, PersonTold, Reach, TermTold};
pub use schema::SchemaKind;
pub use text::Inline;
