//! The command line, and what each command does.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::Mode;
use crate::classroom::session::{self, Part};
use crate::export;
use crate::story::{self, StorySource};

/// izumi — a true spy story to explore in the terminal, scene by scene.
#[derive(Debug, Parser)]
#[command(name = "izumi", version, about, long_about = None)]
pub struct Cli {
    /// Read the story in this folder instead of the one built into izumi.
    #[arg(long, value_name = "DIR", global = true)]
    pub story: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Present the story to a classroom: large, high-contrast, one scene at a time. Consoles and
    /// followers connect to it.
    Present {
        /// Where to listen for the console and followers (loopback unless you say otherwise).
        #[arg(long, value_name = "ADDR", default_value = session::DEFAULT_ADDRESS)]
        listen: String,
        /// A token followers must give; required when listening beyond this machine.
        #[arg(long)]
        token: Option<String>,
    },
    /// The presenter's console for a second screen: notes, the next scene, the time.
    Notes {
        /// Where the presenter listens.
        #[arg(value_name = "ADDR", default_value = session::DEFAULT_ADDRESS)]
        address: String,
    },
    /// Follow a presenter from a student's terminal.
    Follow {
        /// Where the presenter listens.
        #[arg(value_name = "ADDR")]
        address: String,
        /// The token the teacher gave, if the presenter asks for one.
        #[arg(long)]
        token: Option<String>,
    },
    /// Check a story's files and list every problem, with file, line and column.
    Check,
    /// Print the whole story to standard output.
    Export {
        /// The output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
    },
}

/// The formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Markdown,
    Text,
}

/// Runs the command line; the exit code says whether it succeeded.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let source = StorySource::from_option(cli.story);
    let story = match story::load(&source) {
        Ok(story) => story,
        Err(errors) => {
            eprintln!("{errors}");
            return Ok(ExitCode::FAILURE);
        }
    };
    match cli.command {
        None => crate::terminal::run_reader(story, Mode::Reader, Part::Alone)?,
        Some(Command::Present { listen, token }) => {
            crate::terminal::run_reader(
                story,
                Mode::Presentation,
                Part::Presenter { listen, token },
            )?;
        }
        Some(Command::Notes { address }) => {
            crate::terminal::run_reader(story, Mode::Console, Part::Console { address })?;
        }
        Some(Command::Follow { address, token }) => {
            crate::terminal::run_reader(story, Mode::Reader, Part::Follower { address, token })?;
        }
        Some(Command::Check) => println!("{}", summary(&story)),
        Some(Command::Export { format }) => {
            let document = match format {
                Format::Markdown => export::markdown(&story),
                Format::Text => export::text(&story),
            };
            let mut out = io::stdout().lock();
            if let Err(error) = out
                .write_all(document.as_bytes())
                .and_then(|()| out.flush())
            {
                // A closed pipe (`izumi export | head`) is the reader's choice, not a failure.
                if error.kind() != io::ErrorKind::BrokenPipe {
                    return Err(error.into());
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The one-line summary `check` prints for a valid story.
pub fn summary(story: &story::Story) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "ok: \"{}\" — {}, {}, {}, {}, {}, {}",
        story.title,
        count(story.episodes.len(), "episode", "episodes"),
        count(story.scenes.len(), "scene", "scenes"),
        count(story.characters.len(), "character", "characters"),
        count(story.footnotes.len(), "footnote", "footnotes"),
        count(story.locations.len(), "location", "locations"),
        count(story.terms.len(), "term", "terms"),
    )
}
