//! Greedy word wrapping, for text laid out by hand (exported pages, list entries).

/// Splits text into lines of at most `width` columns, breaking between words; a word longer
/// than the width gets a line of its own.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut column = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > width {
            lines.push(std::mem::take(&mut line));
            column = 0;
        }
        if column > 0 {
            line.push(' ');
            column += 1;
        }
        line.push_str(word);
        column += len;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn breaks_between_words_within_the_width() {
        let text = "word ".repeat(40);
        let lines = wrap_words(&text, 72);
        assert!(lines.iter().all(|line| line.chars().count() <= 72));
        assert_eq!(lines.concat().matches("word").count(), 40);
    }

    #[test]
    fn long_words_stand_alone() {
        assert_eq!(wrap_words("a bbbbbb c", 3), ["a", "bbbbbb", "c"]);
    }
}
