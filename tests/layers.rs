//! The house: which of izumi's modules may import which.
//!
//! Reads every `src/**/*.rs` file, collects the imports each module makes of izumi's other
//! modules (`use crate::…`, `crate::…` paths in code, `super::` and `self::` resolved) and checks
//! that the drawing has no circle and no arrow running back up the layers below. On failure it
//! prints the whole graph, so the reader sees the house as it stands.
//!
//! Test-only code (`#[cfg(test)]` modules) is left out: a module's tests may borrow a harness from
//! above without the library depending on it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules, lowest layer first. A module may import its own layer and the layers
/// below it, never one above. A new module takes its place here before it can be imported.
const LAYERS: &[&[&str]] = &[
    // Facts, files and pure helpers: what the story is, where things are kept, how text is cut.
    &[
        "story", "geo", "wrap", "paths", "saved", "search", "html", "invite", "asking",
    ],
    // The reader's state, the keys that move it, and the user's configuration, which names both.
    &["app", "keymap", "config"],
    // What is drawn or written from the state: the terminal's frames, the exported files.
    &["ui", "export"],
    // One reader: app, keys and drawing together, for any backend.
    &["reader"],
    // The classroom: the lesson and its doors.
    &["classroom", "web"],
    // The web and SSH doors served together, which only `izumi-classroom` links.
    &["audiences"],
    // The loops that run it all, and the hand-over to `izumi-classroom`.
    &["runtime", "terminal", "handover"],
    // The command line.
    &["cli"],
];

/// Arrows known to be wrong and being straightened: each is tolerated while it exists; once it
/// is gone the test asks for its line here to be deleted, so the list can only shrink. Empty
/// since the classroom's redesign (issue 20) took the last ones away.
const BEING_FIXED: &[(&str, &str)] = &[];

/// Top-level modules whose sub-modules must not import each other in a circle either. The
/// module's own root file (`mod.rs`) is its front door and is left out of that drawing: it names
/// its children, and they may reach each other through what it re-exports.
const NO_CIRCLE_WITHIN: &[&str] = &["story"];

#[test]
fn modules_import_each_other_in_one_direction() {
    let house = House::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let top = house.top_level_graph();
    let mut problems = Vec::new();

    let layer_of = |module: &str| LAYERS.iter().position(|layer| layer.contains(&module));
    for module in top.keys() {
        if layer_of(module).is_none() {
            problems.push(format!("`{module}` is in no layer: give it one in LAYERS"));
        }
    }
    for &(from, to) in BEING_FIXED {
        if !top.get(from).is_some_and(|targets| targets.contains(to)) {
            problems.push(format!(
                "{from} → {to} is gone: delete its line from BEING_FIXED"
            ));
        }
    }

    let tolerated = |from: &str, to: &str| BEING_FIXED.contains(&(from, to));
    for (from, targets) in &top {
        for to in targets {
            if let (Some(low), Some(high)) = (layer_of(from), layer_of(to))
                && high > low
                && !tolerated(from, to)
            {
                problems.push(format!("{from} → {to} runs back up the layers"));
            }
        }
    }
    let without_tolerated = top
        .iter()
        .map(|(from, targets)| {
            let kept = targets.iter().filter(|to| !tolerated(from, to)).cloned();
            (from.clone(), kept.collect())
        })
        .collect();
    for circle in circles(&without_tolerated) {
        problems.push(format!("circle: {}", circle.join(" ⇄ ")));
    }

    for &parent in NO_CIRCLE_WITHIN {
        let inside = house.graph_within(parent);
        for circle in circles(&inside) {
            let named: Vec<String> = circle.iter().map(|m| format!("{parent}::{m}")).collect();
            problems.push(format!("circle: {}", named.join(" ⇄ ")));
        }
    }

    if !problems.is_empty() {
        let mut report = String::from("The house has crooked walls:\n");
        for problem in &problems {
            let _ = writeln!(report, "  - {problem}");
        }
        report.push_str("\nWhat each module imports:\n");
        report.push_str(&drawing(&top));
        for &parent in NO_CIRCLE_WITHIN {
            let _ = writeln!(report, "\nInside {parent}:");
            report.push_str(&drawing(&house.graph_within(parent)));
        }
        panic!("{report}");
    }
}

type Graph = BTreeMap<String, BTreeSet<String>>;

/// `module → what it imports`, one line each, lowest layer first so the arrows mostly point up
/// the page.
fn drawing(graph: &Graph) -> String {
    let rank = |module: &str| {
        LAYERS
            .iter()
            .position(|layer| layer.contains(&module))
            .unwrap_or(LAYERS.len())
    };
    let mut modules: Vec<&String> = graph.keys().collect();
    modules.sort_by_key(|module| (rank(module), module.as_str()));
    let mut out = String::new();
    for module in modules {
        let targets: Vec<&str> = graph[module].iter().map(String::as_str).collect();
        let _ = writeln!(out, "  {module:<10} → {}", targets.join(", "));
    }
    out
}

/// The strongly connected groups of more than one module (Tarjan's algorithm), each sorted.
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    struct Search<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Search<'a> {
        fn visit(&mut self, module: &'a str) {
            let order = self.index.len();
            self.index.insert(module, order);
            self.low.insert(module, order);
            self.stack.push(module);
            for next in self.graph.get(module).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[module].min(self.low[next]);
                    self.low.insert(module, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[module].min(self.index[next]);
                    self.low.insert(module, low);
                }
            }
            if self.low[module] == self.index[module] {
                let mut group = Vec::new();
                while let Some(member) = self.stack.pop() {
                    group.push(member.to_owned());
                    if member == module {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut search = Search {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for module in graph.keys() {
        if !search.index.contains_key(module.as_str()) {
            search.visit(module);
        }
    }
    search.found
}

/// Every source file's module path and the izumi paths it names.
struct House {
    /// Module path (`["story", "text"]`) → the absolute izumi paths its file names.
    imports: BTreeMap<Vec<String>, Vec<Vec<String>>>,
    /// Module path → the names its `pub use` lines bring up from a child: name → child; `*`
    /// stands for a glob.
    reexports: BTreeMap<Vec<String>, Vec<(String, String)>>,
}

impl House {
    fn read(src: &Path) -> Self {
        let mut files = Vec::new();
        collect_rust_files(src, &mut files);
        let modules: BTreeSet<Vec<String>> = files
            .iter()
            .filter_map(|file| module_path(src, file))
            .collect();
        let mut imports = BTreeMap::new();
        let mut reexports = BTreeMap::new();
        for file in &files {
            let Some(module) = module_path(src, file) else {
                continue;
            };
            if module.is_empty() {
                continue; // lib.rs only names the modules.
            }
            let text = fs::read_to_string(file).expect("a readable source file");
            let paths = named_paths(&tokens(&text), &module, &modules);
            let mut absolute = Vec::new();
            for (path, public_use) in paths {
                if let Some(child) = path.get(module.len())
                    && public_use
                    && path.starts_with(&module)
                    && path.len() == module.len() + 2
                {
                    let name = path[module.len() + 1].clone();
                    reexports
                        .entry(module.clone())
                        .or_insert_with(Vec::new)
                        .push((name, child.clone()));
                }
                absolute.push(path);
            }
            imports.insert(module, absolute);
        }
        House { imports, reexports }
    }

    /// Top-level module → the other top-level modules it imports.
    fn top_level_graph(&self) -> Graph {
        let mut graph = Graph::new();
        for (module, paths) in &self.imports {
            let from = &module[0];
            let targets = graph.entry(from.clone()).or_default();
            for path in paths {
                if path[0] != *from {
                    targets.insert(path[0].clone());
                }
            }
        }
        graph
    }

    /// Sub-module of `parent` → the sibling sub-modules it imports, through `parent`'s re-exports
    /// where it names them that way. `parent`'s own root is left out.
    fn graph_within(&self, parent: &str) -> Graph {
        let parent_path = vec![parent.to_owned()];
        let children: BTreeSet<&String> = self
            .imports
            .keys()
            .filter(|module| module.len() >= 2 && module[0] == parent)
            .map(|module| &module[1])
            .collect();
        let reexports = self
            .reexports
            .get(&parent_path)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let child_of = |path: &[String]| -> Option<String> {
            let second = path.get(1)?;
            if children.contains(second) {
                return Some(second.clone());
            }
            let named = reexports.iter().find(|(name, _)| name == second);
            let glob = || {
                let mut globs = reexports.iter().filter(|(name, _)| name == "*");
                match (globs.next(), globs.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            };
            named.or_else(glob).map(|(_, child)| child.clone())
        };
        let mut graph = Graph::new();
        for (module, paths) in &self.imports {
            if module.len() < 2 || module[0] != parent {
                continue;
            }
            let from = &module[1];
            let targets = graph.entry(from.clone()).or_default();
            for path in paths.iter().filter(|path| path[0] == parent) {
                if let Some(to) = child_of(path)
                    && to != *from
                {
                    targets.insert(to);
                }
            }
        }
        graph
    }
}

fn collect_rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_rust_files(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push(path);
        }
    }
}

/// `src/story/text.rs` → `["story", "text"]`; `src/ui/mod.rs` → `["ui"]`; `src/lib.rs` → `[]`.
/// Binaries (`main.rs`, `bin/`) import the library by its name, not by `crate::`: none.
fn module_path(src: &Path, file: &Path) -> Option<Vec<String>> {
    let relative = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|first| first == "bin") || parts == ["main.rs"] {
        return None;
    }
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" if parts.is_empty() => {}
        "mod.rs" => {}
        name => parts.push(name.strip_suffix(".rs")?.to_owned()),
    }
    Some(parts)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

impl Token {
    fn is(&self, punct: char) -> bool {
        *self == Token::Punct(punct)
    }
    fn ident(&self) -> Option<&str> {
        match self {
            Token::Ident(name) => Some(name),
            _ => None,
        }
    }
}

/// The identifiers and punctuation of Rust source, without comments, strings, characters,
/// lifetimes or numbers: enough to follow paths and braces.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && at(i + 1) == 'r')) && {
            let start = if c == 'b' { i + 2 } else { i + 1 };
            let mut j = start;
            while at(j) == '#' {
                j += 1;
            }
            at(j) == '"' && (j > start || at(start) == '"')
        } {
            // A raw string: r"…", r#"…"#, br##"…"##.
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    j += hashes + 1;
                    break;
                }
                j += 1;
            }
            i = j;
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') || (c == 'c' && at(i + 1) == '"') {
            i += if c == '"' { 1 } else { 2 };
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' {
            // A character ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // Raw identifiers (r#type) are spelled like the plain ones.
            out.push(Token::Ident(word.trim_start_matches("r#").to_owned()));
        } else if c.is_ascii_digit() {
            while at(i).is_alphanumeric()
                || at(i) == '_'
                || at(i) == '.' && at(i + 1).is_ascii_digit()
            {
                i += 1;
            }
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token::PathSep);
            i += 2;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

/// The absolute izumi paths (`["story", "text", "Inline"]`) a file names, each with whether it
/// came from a `pub use`. `module` is the file's own module path, `modules` every file's.
fn named_paths(
    tokens: &[Token],
    module: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Vec<(Vec<String>, bool)> {
    let mut out = Vec::new();
    // The inline modules (`mod name { … }`) we are in, with the brace depth each opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let here = |inline: &[(String, usize)]| -> Vec<String> {
        let mut path = module.to_vec();
        path.extend(inline.iter().map(|(name, _)| name.clone()));
        path
    };
    while i < tokens.len() {
        let token = &tokens[i];
        if is_cfg_test(tokens, i) {
            i = skip_item(tokens, i);
            continue;
        }
        match token {
            Token::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Token::Punct('}') => {
                if inline.last().is_some_and(|(_, opened)| *opened == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some(name), Some(open)) =
                    (tokens.get(i + 1).and_then(Token::ident), tokens.get(i + 2))
                    && open.is('{')
                {
                    depth += 1;
                    inline.push((name.to_owned(), depth));
                    i += 3;
                } else {
                    i += 1;
                }
            }
            Token::Ident(word) if word == "use" => {
                let public = i > 0 && tokens[i - 1].ident() == Some("pub");
                i += 1;
                let mut trees = Vec::new();
                use_tree(tokens, &mut i, Vec::new(), &mut trees);
                let current = here(&inline);
                for path in trees {
                    if let Some(absolute) = resolve(&path, &current, modules, true) {
                        out.push((absolute, public));
                    }
                }
            }
            Token::Ident(word)
                if matches!(word.as_str(), "crate" | "super" | "self")
                    && tokens.get(i + 1) == Some(&Token::PathSep)
                    && !(i > 0 && tokens[i - 1] == Token::PathSep) =>
            {
                let mut path = vec![word.clone()];
                i += 2;
                while let Some(name) = tokens.get(i).and_then(Token::ident) {
                    path.push(name.to_owned());
                    i += 1;
                    if tokens.get(i) == Some(&Token::PathSep) {
                        i += 1;
                    } else {
                        break;
                    }
                }
                if let Some(absolute) = resolve(&path, &here(&inline), modules, false) {
                    out.push((absolute, false));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether `#[cfg(test)]` starts at `i`.
fn is_cfg_test(tokens: &[Token], i: usize) -> bool {
    let words = ["cfg", "test"];
    tokens[i].is('#')
        && tokens.get(i + 1).is_some_and(|t| t.is('['))
        && tokens.get(i + 2).and_then(Token::ident) == Some(words[0])
        && tokens.get(i + 3).is_some_and(|t| t.is('('))
        && tokens.get(i + 4).and_then(Token::ident) == Some(words[1])
        && tokens.get(i + 5).is_some_and(|t| t.is(')'))
        && tokens.get(i + 6).is_some_and(|t| t.is(']'))
}

/// The index just past the item that starts at `i` (attributes included): its `;` or its closing
/// brace, whichever ends it.
fn skip_item(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('{') | Token::Punct('[') | Token::Punct('(') => depth += 1,
            Token::Punct('}') | Token::Punct(']') | Token::Punct(')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 && tokens[i].is('}') {
                    return i + 1;
                }
            }
            Token::Punct(';') if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Expands one `use` tree (`a::{b, c::{d, e as f}, *}`) from `i` into its paths, leaving `i` past
/// the tree.
fn use_tree(tokens: &[Token], i: &mut usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        match tokens.get(*i) {
            Some(Token::PathSep) => *i += 1,
            Some(Token::Ident(name)) => {
                prefix.push(name.clone());
                *i += 1;
                if tokens.get(*i) == Some(&Token::PathSep) {
                    *i += 1;
                    continue;
                }
                if tokens.get(*i).and_then(Token::ident) == Some("as") {
                    *i += 2;
                }
                out.push(prefix);
                return;
            }
            Some(Token::Punct('{')) => {
                *i += 1;
                while let Some(token) = tokens.get(*i) {
                    if token.is('}') {
                        *i += 1;
                        break;
                    }
                    if token.is(',') {
                        *i += 1;
                        continue;
                    }
                    use_tree(tokens, i, prefix.clone(), out);
                }
                return;
            }
            Some(Token::Punct('*')) => {
                *i += 1;
                prefix.push("*".to_owned());
                out.push(prefix);
                return;
            }
            _ => return,
        }
    }
}

/// `path` as written in module `current`, made absolute, if it names an izumi module: `crate::`,
/// `super::` and `self::` are resolved, and in a `use` a bare first name that is a child module
/// (`use model::Story` in `story/mod.rs`) counts too.
fn resolve(
    path: &[String],
    current: &[String],
    modules: &BTreeSet<Vec<String>>,
    in_use: bool,
) -> Option<Vec<String>> {
    let mut absolute: Vec<String>;
    let mut rest = path;
    match path.first()?.as_str() {
        "crate" => {
            absolute = Vec::new();
            rest = &path[1..];
        }
        "self" | "super" => {
            absolute = current.to_vec();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "self" => {}
                    "super" => {
                        absolute.pop()?;
                    }
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        first if in_use => {
            let mut child = current.to_vec();
            child.push(first.to_owned());
            if !modules.contains(&child) {
                return None;
            }
            absolute = current.to_vec();
        }
        _ => return None,
    }
    absolute.extend(rest.iter().filter(|segment| *segment != "self").cloned());
    // Only paths into a top-level module of this crate (not `crate::SomeRootItem`).
    let first = absolute.first()?;
    modules
        .iter()
        .any(|module| module.first() == Some(first))
        .then_some(absolute)
}

#[test]
fn paths_are_found_in_grouped_uses_code_and_super_but_not_in_comments_strings_or_tests() {
    let source = r##"
        //! See [`crate::web`].
        use crate::{story::{Story, text::Inline as I}, geo};
        use super::theme::Theme;
        pub use self::inner::Thing;
        fn f() -> &'static str { let _ = crate::wrap::lines(); "crate::paths" }
        const C: char = '\'';
        mod inner { use super::super::super::saved::Saved; }
        #[cfg(test)]
        mod tests { use crate::runtime::Reader; }
    "##;
    let modules: BTreeSet<Vec<String>> = [
        "story", "geo", "ui", "ui/theme", "ui/panes", "wrap", "paths", "saved", "web", "runtime",
    ]
    .iter()
    .map(|path| path.split('/').map(str::to_owned).collect())
    .collect();
    let here = vec!["ui".to_owned(), "panes".to_owned()];
    let found: Vec<String> = named_paths(&tokens(source), &here, &modules)
        .into_iter()
        .map(|(path, _)| path.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "story::Story",
            "story::text::Inline",
            "geo",
            "ui::theme::Theme",
            "ui::panes::inner::Thing",
            "wrap::lines",
            "saved::Saved",
        ]
    );
}
