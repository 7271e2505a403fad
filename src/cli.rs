//! The command line, and what each command does.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use strum::VariantArray;

use crate::classroom::session::{self, AudienceServers, Part, Presenting};
use crate::config::{self, Config, ThemeName};
use crate::keymap::Keymap;
use crate::runtime::{Setup, Start};
use crate::search::SearchIndex;
use crate::story::diagnostic::{SHOWN_PROBLEMS, shown_path};
use crate::story::{self, Reach, SchemaKind, StorySource};
use crate::ui::theme::Theme;
use crate::{export, paths};

/// izumi — a true spy story to explore in the terminal, scene by scene.
#[derive(Debug, Parser)]
#[command(name = "izumi", version, about, long_about = None)]
pub struct Cli {
    /// Read the story in this folder instead of the one built into izumi.
    #[arg(long, value_name = "DIR", global = true)]
    pub story: Option<PathBuf>,

    /// Open at this scene (its id, as `izumi export` shows).
    #[arg(long, value_name = "ID", global = true)]
    pub scene: Option<String>,

    /// Start from the first scene instead of where you left off.
    #[arg(long, global = true)]
    pub from_start: bool,

    /// Reload the story (given with --story) whenever one of its files changes, keeping your
    /// place; a broken file shows its problems and leaves the last good story on screen.
    #[arg(long, global = true, requires = "story")]
    pub watch: bool,

    /// Colours: dark (the default; the terminal's own colours with a few accents), light, or
    /// high-contrast. NO_COLOR, when set, takes every colour away and keeps bold, underline and
    /// reverse.
    #[arg(long, value_enum, global = true)]
    pub theme: Option<ThemeName>,

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
        /// A token followers must give; required when listening beyond this machine. Over
        /// SSH it is the password.
        #[arg(long)]
        token: Option<String>,
        /// Also serve the classroom to browsers here: the follower's page at `/`, the
        /// presenter's remote at `/remote` (with the console secret). Loopback unless --token.
        /// Served by izumi-classroom, installed beside izumi.
        #[arg(long, value_name = "ADDR")]
        web: Option<String>,
        /// How many browsers may follow at once.
        #[arg(long, value_name = "N", default_value_t = crate::classroom::doors::WEB_FOLLOWERS)]
        web_followers: usize,
        /// Also let students follow in their own terminal with `ssh -p PORT class@HOST`,
        /// served from here (loopback unless --token is given), e.g. 127.0.0.1:2222. Served by
        /// izumi-classroom, installed beside izumi.
        #[arg(long, value_name = "ADDR")]
        ssh: Option<String>,
        /// How many students may follow over SSH at once.
        #[arg(long, value_name = "N", default_value_t = crate::classroom::ssh::DEFAULT_SESSIONS,
              value_parser = clap::value_parser!(u16).range(1..))]
        ssh_sessions: u16,
        /// Let followers (browsers and SSH) read past the furthest scene shown so far.
        #[arg(long)]
        read_ahead: bool,
        /// Connections one address may hold through every door at once. Raise it when the
        /// students reach this machine through one router (NAT) and so share one address.
        #[arg(long, value_name = "N", default_value_t = crate::classroom::doors::Caps::PER_ADDRESS,
              value_parser = clap::value_parser!(u16).range(1..))]
        per_address: u16,
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
    /// Print, as Markdown, which scenes, people, terms and editor's notes carry each paragraph
    /// and footnote of the work the story retells (or why one is not retold), then the passages
    /// each scene rests on: story/SOURCES.md is this for the built-in story.
    Sources,
    /// Search the story and print one hit a line: kind, id, name, and the match in context,
    /// separated by tabs (a scene's id is what --scene opens at).
    Search {
        /// What to look for; case and diacritics do not matter.
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Print a completion script for a shell (for example: izumi completions bash > ~/.local/share/bash-completion/completions/izumi).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print izumi's manual page (roff), made from the same definition as --help.
    Manpage,
    /// Print the JSON Schema of the story files, for editors to complete and check them: all of
    /// them, or one kind (story, characters, footnotes, editor-notes, locations, glossary,
    /// episode).
    Schema {
        #[arg(value_enum)]
        kind: Option<SchemaKind>,
    },
    /// List what classes answered in each presentation kept in the state folder: each
    /// question asked (date, story, number, prompt, the count and share of every choice, the
    /// right answer if any) and the students' questions with their votes. Nothing says who
    /// answered what.
    Results {
        /// The output format.
        #[arg(long, value_enum, default_value_t = ResultsFormat::Table)]
        format: ResultsFormat,
    },
    /// Print the whole story to standard output, or (with --up-to) a handout of the scenes
    /// shown so far.
    Export {
        /// The output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Only the scenes up to this one (its id), and the people, terms, footnotes and
        /// editor's notes they hold, each told only as far as those scenes tell it.
        #[arg(long, value_name = "SCENE-ID")]
        up_to: Option<String>,
    },
}

impl Command {
    /// Whether this command serves an audience from its own process: the web page or SSH.
    fn serves_audiences(&self) -> bool {
        matches!(self, Command::Present { web, ssh, .. } if web.is_some() || ssh.is_some())
    }
}

/// `izumi schema` takes the kinds of story file by their names in the schema.
impl ValueEnum for SchemaKind {
    fn value_variants<'a>() -> &'a [Self] {
        &SchemaKind::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// `--theme` takes the names the configuration file uses.
impl ValueEnum for ThemeName {
    fn value_variants<'a>() -> &'a [Self] {
        ThemeName::VARIANTS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// Whether the user asked for no colour (<https://no-color.org>: set and not empty).
fn no_colour() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// The formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Markdown,
    Text,
    /// One self-contained page (style inline, nothing fetched) that prints as a handout.
    Html,
}

/// The formats `results` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ResultsFormat {
    /// An aligned table, long texts cut.
    Table,
    /// Comma-separated values with a header line (RFC 4180), texts whole.
    Csv,
    /// A list of presentations, oldest first.
    Json,
}

/// `izumi results`: every presentation kept, in `format`; a file that cannot be read is skipped
/// with a line on standard error.
fn results(format: ResultsFormat) -> anyhow::Result<ExitCode> {
    use crate::classroom::results;
    let folder = paths::state_folder()
        .map_err(|error| anyhow::anyhow!("no state folder for results: {error}"))?
        .join("results");
    let (presentations, problems) = results::read_all(&folder);
    for problem in problems {
        let problem = crate::story::text::escape(&problem).replace('\n', " ");
        eprintln!("izumi: skipped {problem}");
    }
    let text = match format {
        ResultsFormat::Table if presentations.is_empty() => {
            eprintln!(
                "izumi: no results kept yet in {} (a presentation keeps them once a question is asked)",
                crate::story::text::escape(&folder.display().to_string())
            );
            String::new()
        }
        ResultsFormat::Table => results::table(&presentations),
        ResultsFormat::Csv => results::csv(&presentations),
        ResultsFormat::Json => results::json(&presentations),
    };
    let mut out = io::stdout().lock();
    if let Err(error) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && error.kind() != io::ErrorKind::BrokenPipe
    {
        return Err(error.into());
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the command line; the exit code says whether it succeeded. `audiences` says whether this
/// binary serves `present --web/--ssh` itself, or hands them to `izumi-classroom`.
pub fn run(cli: Cli, audiences: AudienceServers) -> anyhow::Result<ExitCode> {
    if let AudienceServers::Sibling = audiences
        && cli.command.as_ref().is_some_and(Command::serves_audiences)
    {
        // Before anything is read or printed: the classroom binary does it all again.
        return crate::handover::to_classroom();
    }
    let (config, problem) = configuration();
    let keys = Keymap::with_keys(&config.keys);
    let notice = problem.or_else(|| moved_keys_notice(&keys));
    // --theme wins over the configuration; the configuration's name was checked when read.
    let name = cli
        .theme
        .map(|name| name.name().to_owned())
        .or(config.theme.clone());
    let source = StorySource::from_option(cli.story.clone());
    let setup = Setup {
        start: match (cli.scene, cli.from_start) {
            (Some(id), _) => Start::Scene(id),
            (None, true) => Start::Beginning,
            (None, false) => Start::Resume,
        },
        layout: config.layout,
        tell: config.tell,
        theme: Theme::chosen(name.as_deref(), no_colour()),
        keys,
        notice,
        watch: cli.watch.then(|| cli.story.clone()).flatten(),
        audiences,
    };
    let reading = |part: Part| match source.start_loading() {
        Ok(story) => {
            // On the main screen, where they are found on leaving, as the notice says.
            for moved in setup.keys.moved() {
                eprintln!("izumi: your keys: {moved}");
            }
            crate::runtime::run(story, part, &setup)
                .map(|outcome| ExitCode::from(outcome.exit_code()))
        }
        Err(errors) => {
            eprintln!("{errors}");
            Ok(ExitCode::FAILURE)
        }
    };
    match cli.command {
        None => reading(Part::Alone),
        Some(Command::Present {
            listen,
            token,
            web,
            web_followers,
            ssh,
            ssh_sessions,
            read_ahead,
            per_address,
        }) => reading(Part::Presenter(Presenting {
            listen,
            token,
            web,
            web_followers,
            ssh,
            ssh_sessions: ssh_sessions.into(),
            read_ahead,
            per_address: per_address.into(),
        })),
        Some(Command::Notes { address }) => reading(Part::Console { address }),
        Some(Command::Follow { address, token }) => reading(Part::Follower { address, token }),
        Some(Command::Completions { shell }) => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "izumi", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Schema { kind }) => {
            print!("{}", story::schema(kind));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Manpage) => {
            clap_mangen::Man::new(Cli::command()).render(&mut io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check) => with_story(&source, |story| {
            // The built-in story was checked when izumi was built.
            if let StorySource::Dir(dir) = &source {
                let warnings = story::warnings(dir);
                for warning in warnings.iter().take(SHOWN_PROBLEMS) {
                    eprintln!("warning: {warning}");
                }
                if let Some(more) = warnings.len().checked_sub(SHOWN_PROBLEMS)
                    && more > 0
                {
                    eprintln!("warning: … and {more} more characters removed");
                }
            }
            println!("{}", summary(story));
            Ok(())
        }),
        Some(Command::Sources) => with_story(&source, |story| {
            print_document(&story::coverage::markdown(story))
        }),
        Some(Command::Search { words }) => with_story(&source, |story| {
            let index = SearchIndex::new(story);
            let query = words.join(" ");
            let mut out = io::stdout().lock();
            for hit in index.search(&query, &Reach::everything(story)) {
                let target = hit.target;
                let (kind, id, name) = (target.kind(), target.id(story), target.name(story));
                let (before, matched, after) = index.context(&hit, 70);
                if writeln!(out, "{kind}\t{id}\t{name}\t{before}{matched}{after}").is_err() {
                    break;
                }
            }
            Ok(())
        }),
        Some(Command::Results { format }) => results(format),
        Some(Command::Export { format, up_to }) => with_story(&source, |story| {
            let furthest = match up_to.as_deref() {
                Some(id) => Some(crate::runtime::scene_named(story, id)?),
                None => None,
            };
            let reach = Reach::limited_to(story, furthest);
            let document = match format {
                Format::Markdown => export::markdown_of(&reach),
                Format::Text => export::text_of(&reach),
                Format::Html => export::handout::document_of(&reach),
            };
            print_document(&document)
        }),
    }
}

/// Writes a whole document to standard output.
fn print_document(document: &str) -> anyhow::Result<()> {
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
    Ok(())
}

/// The user's configuration, and a notice for the screen if it had problems: they are printed
/// and the file left out, so izumi starts with its defaults. Without `$XDG_CONFIG_HOME` and
/// `$HOME` there is no configuration file (never one in the current folder).
fn configuration() -> (Config, Option<String>) {
    let Some(config_path) = paths::config_file() else {
        return (Config::default(), None);
    };
    match config::load(&config_path) {
        Ok(config) => (config, None),
        Err(problems) => {
            for problem in problems.iter().take(SHOWN_PROBLEMS) {
                eprintln!("izumi: {problem}");
            }
            if let Some(more) = problems.len().checked_sub(SHOWN_PROBLEMS)
                && more > 0
            {
                eprintln!("izumi: … and {more} more problems in the configuration");
            }
            // The list itself was printed on the main screen, where it is found on leaving.
            let notice = format!(
                "{} in {}: using the defaults (listed when izumi ends)",
                match problems.len() {
                    1 => "a problem".to_owned(),
                    n => format!("{n} problems"),
                },
                shown_path(&config_path)
            );
            (Config::default(), Some(notice))
        }
    }
}

/// A notice for the screen when the configuration's keys took default keys from other
/// bindings, so that a key that stopped doing what it did is never a surprise.
fn moved_keys_notice(keys: &Keymap) -> Option<String> {
    match keys.moved() {
        [] => None,
        [moved] => Some(format!("your keys: {moved}")),
        all => Some(format!(
            "your keys took {} keys from other bindings (listed when izumi ends; ? shows the keys)",
            all.len()
        )),
    }
}

/// Loads the story and runs `command` on it; a broken story is reported instead.
fn with_story(
    source: &StorySource,
    command: impl FnOnce(&story::Story) -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    match source.load() {
        Ok(story) => command(&story).map(|()| ExitCode::SUCCESS),
        Err(errors) => {
            eprintln!("{errors}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The one-line summary `check` prints for a valid story.
pub fn summary(story: &story::Story) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    // Editor's notes are counted only in a story that has them.
    let editor_notes = match story.editor_notes.len() {
        0 => String::new(),
        n => format!(", {}", count(n, "editor's note", "editor's notes")),
    };
    // Questions too, in a story that asks any.
    let questions = match story.scenes.iter().map(|scene| scene.questions.len()).sum() {
        0 => String::new(),
        n => format!(", {}", count(n, "question", "questions")),
    };
    format!(
        "ok: \"{}\" — {}, {}, {}, {}{editor_notes}, {}, {}{questions}",
        story.title,
        count(story.episodes.len(), "episode", "episodes"),
        count(story.scenes.len(), "scene", "scenes"),
        count(story.characters.len(), "character", "characters"),
        count(story.footnotes.len(), "footnote", "footnotes"),
        count(story.locations.len(), "location", "locations"),
        count(story.terms.len(), "term", "terms"),
    )
}
