//! Cursor paging as the GraphQL APIs do it.

/// One page of a cursor-paged list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
    /// Pass as `after` to get the next page; `None` at the end.
    pub next_cursor: Option<String>,
}

/// Which way a list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    pub fn label(&self) -> String {
        let k = match self.key {
            SortKey::Name => "name",
            SortKey::Id => "id",
        };
        format!("{k} {}", if self.descending { "↓" } else { "↑" })
    }

    /// name ↑ → name ↓ → id ↑ → id ↓ → name ↑
    pub fn next(self) -> Sort {
        match (self.key, self.descending) {
            (k, false) => Sort {
                key: k,
                descending: true,
            },
            (SortKey::Name, true) => Sort {
                key: SortKey::Id,
                descending: false,
            },
            (SortKey::Id, true) => Sort::default(),
        }
    }
}
