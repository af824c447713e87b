//! The `:` command palette: fuzzy matching (nucleo-matcher) over the registry's commands.

use super::registry::{self, Command, Context, Spec};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// A command typed with its arguments.
#[derive(Clone, Copy)]
pub struct WithArguments<'a> {
    pub spec: &'static Spec,
    pub args: &'a str,
    /// Named with a `!` (`export! csv PATH`): replace what is there.
    pub bang: bool,
}

/// `export csv PATH`: a command that takes arguments, named in full, and what follows it.
/// `export!` is export allowed to replace an existing file.
pub fn with_arguments(query: &str, ctx: Context) -> Option<WithArguments<'_>> {
    let (name, args) = query.trim().split_once(' ')?;
    let (name, bang) = match name.strip_suffix('!') {
        Some(name) => (name, true),
        None => (name, false),
    };
    let spec = registry::available(ctx).find(|s| {
        s.name == name && s.command.takes_arguments() && (!bang || s.command == Command::Export)
    })?;
    Some(WithArguments {
        spec,
        args: args.trim(),
        bang,
    })
}

/// A mutating command typed by its full name on a screen where read-only hides it: it is
/// run anyway so that `update::run` says why it is refused, rather than a fuzzy neighbour.
pub fn refused(query: &str, ctx: Context) -> Option<&'static Spec> {
    let name = query.split_whitespace().next()?;
    registry::available(ctx.read_only(false))
        .find(|s| s.name == name && s.mutating && !ctx.allows(s))
}

/// The commands available here that match `query`, best first; all of them for an empty query.
pub fn matches(query: &str, ctx: Context) -> Vec<&'static Spec> {
    if let Some(a) = with_arguments(query, ctx) {
        return vec![a.spec];
    }
    let specs: Vec<&'static Spec> = registry::available(ctx).collect();
    if query.trim().is_empty() {
        return specs;
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize, &'static Spec)> = specs
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            // The name counts most; the description helps find a command by what it does.
            let name = pattern
                .score(Utf32Str::new(s.name, &mut buf), &mut matcher)
                .map(|x| x * 2);
            let desc = pattern.score(Utf32Str::new(s.description, &mut buf), &mut matcher);
            name.max(desc).map(|score| (score, i, s))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_finds_commands_by_name_and_description() {
        let ctx = registry::PAGED_LIST;
        assert_eq!(matches("empl", ctx)[0].command, Command::Employees);
        assert_eq!(matches("usr", ctx)[0].command, Command::Users);
        assert_eq!(matches("order", ctx)[0].command, Command::Sort);
        assert!(matches("zzzz", ctx).is_empty());
        assert_eq!(matches("", ctx).len(), registry::available(ctx).count());
    }

    #[test]
    fn a_command_that_takes_arguments_is_listed_while_they_are_typed() {
        let ctx = registry::PAGED_LIST;
        let found = matches("export csv /tmp/a b.csv", ctx);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].command, Command::Export);
        let a = with_arguments(" export  csv /tmp/a b.csv ", ctx).unwrap();
        assert_eq!((a.args, a.bang), ("csv /tmp/a b.csv", false));
        // `export!` replaces an existing file; no other command takes a `!`.
        let a = with_arguments("export! json /tmp/a.json", ctx).unwrap();
        assert_eq!(
            (a.spec.command, a.args, a.bang),
            (Command::Export, "json /tmp/a.json", true)
        );
        assert!(with_arguments("profile! prod", ctx).is_none());
        // Not for a command that takes none: the words stay a fuzzy query.
        assert!(with_arguments("users sorted", ctx).is_none());
        assert!(with_arguments("export", ctx).is_none());
    }

    #[test]
    fn only_commands_that_apply_here() {
        assert!(
            matches("sort", registry::PERSON)
                .iter()
                .all(|s| s.command != Command::Sort)
        );
    }
}
