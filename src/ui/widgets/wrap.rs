//! Text broken into lines between words, for panes that cannot cut what they say.

/// `text` in lines of at most `width` characters, broken between words (a word longer
/// than `width` is cut).
pub fn words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
        .into_iter()
        .map(|l| crate::ui::widgets::header::keep_head(&l, width))
        .collect()
}

/// At most `max` lines of [`words`], the last ending in "…" when the text goes on.
pub fn at_most(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines = words(text, width);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            *last = crate::ui::widgets::header::keep_head(&format!("{last}…"), width);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_break_between_words_and_never_pass_the_width() {
        let lines = super::words(
            "bunq answered HTTP 500 (a fault on the server: retry later).",
            20,
        );
        assert_eq!(lines[0], "bunq answered HTTP");
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "bunq answered HTTP 500 (a fault on the server: retry later)."
        );
        assert_eq!(super::words("abcdefghij", 4), vec!["abc…"]);
    }
}
