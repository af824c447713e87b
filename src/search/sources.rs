//! Asking one backend: the capability traits each backend already implements, used to look
//! for a query. Backends with no search of their own are listed and matched here, up to a
//! cap, and say when they stopped at it.

use super::{Hit, Query, Source, Target};
use crate::backends::*;
use crate::core::{Found, Page};

/// Users listed at most, where a backend has to be listed to be searched.
pub const SCAN_CAP: usize = 1000;

/// The backends a search can reach (Unioo always; the rest when configured).
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub people: &'a dyn PeopleDirectory,
    pub onboarding: Option<&'a dyn Onboarding>,
    pub platform: Option<&'a dyn FundPlatform>,
    pub end_users: Option<&'a dyn EndUsers>,
    pub bank_users: Option<&'a dyn BankUsers>,
}

/// One backend's answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    pub hits: Vec<Hit>,
    /// Listed only the first [`SCAN_CAP`] users.
    pub capped: bool,
}

impl Sources<'_> {
    pub fn configured(&self) -> Vec<Source> {
        Source::ALL
            .into_iter()
            .filter(|s| match s {
                Source::Unioo => true,
                Source::Healthmov => self.onboarding.is_some(),
                Source::Vasco => self.platform.is_some(),
                Source::Upvest => self.end_users.is_some(),
                Source::Bunq => self.bank_users.is_some(),
            })
            .collect()
    }

    pub async fn search(&self, source: Source, q: &Query) -> Result<Answer, BackendError> {
        let missing = || BackendError::Local {
            what: "search",
            detail: format!("{} is not configured in this profile", source.name()),
        };
        match source {
            Source::Unioo => unioo(self.people, q).await,
            Source::Bunq => bunq(self.bank_users.ok_or_else(missing)?, q).await,
            Source::Upvest => upvest(self.end_users.ok_or_else(missing)?, q).await,
            Source::Vasco => vasco(self.platform.ok_or_else(missing)?, q).await,
            Source::Healthmov => healthmov(self.onboarding.ok_or_else(missing)?, q).await,
        }
    }
}

/// Every word of the query appears in the name, whatever the case.
fn name_matches(name: &str, query: &str) -> bool {
    let name = name.to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|w| name.contains(w))
}

fn hit(source: Source, name: String, email: Option<String>, detail: String, target: Target) -> Hit {
    Hit {
        source,
        name,
        email,
        cpr: None,
        detail,
        target,
        group: 0,
    }
}

async fn unioo(people: &dyn PeopleDirectory, q: &Query) -> Result<Answer, BackendError> {
    let found = match q {
        Query::Cpr(cpr) => people.find_by_cpr(*cpr).await?,
        Query::Id(id) => match uuid::Uuid::parse_str(id) {
            Ok(uuid) => people
                .person(uuid)
                .await?
                .map(|p| {
                    vec![crate::core::PersonSummary {
                        id: p.id,
                        first_name: p.first_name,
                        last_name: p.last_name,
                        email: p.email,
                        organizations: Vec::new(),
                    }]
                })
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        },
        _ => Vec::new(),
    };
    let cpr = match q {
        Query::Cpr(c) => Some(*c),
        _ => None,
    };
    let hits = found
        .into_iter()
        .map(|p| Hit {
            cpr,
            ..hit(
                Source::Unioo,
                p.full_name(),
                p.email.clone(),
                if p.organizations.is_empty() {
                    format!("user {}", crate::format::short_id(&p.id.to_string()))
                } else {
                    format!(
                        "user {} · administrator: {}",
                        crate::format::short_id(&p.id.to_string()),
                        p.organizations.join(", ")
                    )
                },
                Target::UniooPerson(p.id),
            )
        })
        .collect();
    Ok(Answer {
        hits,
        capped: false,
    })
}

/// Pages through a listing until `cap` rows or the end; `next` fetches after a cursor.
async fn scan<'a, T, F>(mut next: F) -> Result<(Vec<T>, bool), BackendError>
where
    F: FnMut(Option<String>, usize) -> BoxFut<'a, Page<T>>,
{
    let mut rows = Vec::new();
    let mut cursor = None;
    loop {
        let page = next(cursor, rows.len()).await?;
        rows.extend(page.items);
        match page.next_cursor {
            Some(c) if rows.len() < SCAN_CAP => cursor = Some(c),
            Some(_) => return Ok((rows, true)),
            None => return Ok((rows, false)),
        }
    }
}

async fn bunq(b: &dyn BankUsers, q: &Query) -> Result<Answer, BackendError> {
    if let Query::Id(id) = q {
        let Ok(id) = id.parse() else {
            return Ok(Answer::default());
        };
        return match b.bank_user(id).await {
            Ok(u) => Ok(Answer {
                hits: vec![bank_hit(u)],
                capped: false,
            }),
            Err(BackendError::Rejected { code: Some(c), .. }) if c == "404" => {
                Ok(Answer::default())
            }
            Err(e) => Err(e),
        };
    }
    let (users, capped) = scan(|after, loaded| b.bank_users(after, loaded)).await?;
    let hits = users
        .into_iter()
        .filter(|u| match q {
            Query::Cpr(c) => u.cpr() == Some(*c),
            Query::Email(e) => u.email().is_some_and(|m| m.eq_ignore_ascii_case(e)),
            Query::Name(n) => name_matches(&u.full_name(), n),
            Query::Id(_) => false,
        })
        .map(bank_hit)
        .collect();
    Ok(Answer { hits, capped })
}

fn bank_hit(u: crate::core::banking::BankUser) -> Hit {
    Hit {
        cpr: u.cpr(),
        ..hit(
            Source::Bunq,
            u.full_name(),
            u.email().map(String::from),
            format!("bank user {} · {}", u.id, u.status_text()),
            Target::BankUser(u.id),
        )
    }
}

fn end_hit(u: crate::core::investing::EndUser) -> Hit {
    hit(
        Source::Upvest,
        u.full_name(),
        None,
        format!("end user {} · {}", crate::format::short_id(&u.id), u.status),
        Target::EndUser(Box::new(u)),
    )
}

async fn upvest(e: &dyn EndUsers, q: &Query) -> Result<Answer, BackendError> {
    match q {
        Query::Id(id) => match e.end_user(id.clone()).await {
            Ok(d) => Ok(Answer {
                hits: vec![end_hit(d.user)],
                capped: false,
            }),
            Err(BackendError::Rejected { code: Some(c), .. }) if c == "not_found" => {
                Ok(Answer::default())
            }
            Err(err) => Err(err),
        },
        Query::Name(n) => {
            let (users, capped) =
                scan(|after, _| e.end_users(after.and_then(|a| a.parse().ok()).unwrap_or(0)))
                    .await?;
            Ok(Answer {
                hits: users
                    .into_iter()
                    .filter(|u| name_matches(&u.full_name(), n))
                    .map(end_hit)
                    .collect(),
                capped,
            })
        }
        _ => Ok(Answer::default()),
    }
}

async fn vasco(p: &dyn FundPlatform, q: &Query) -> Result<Answer, BackendError> {
    let (users, capped) =
        scan(|after, _| p.platform_users(after.and_then(|a| a.parse().ok()).unwrap_or(0))).await?;
    let hits = users
        .into_iter()
        .filter(|u| match q {
            Query::Email(e) => u.email.eq_ignore_ascii_case(e),
            Query::Name(n) => name_matches(&u.full_name(), n),
            Query::Id(id) => u.id == *id,
            Query::Cpr(_) => false,
        })
        .map(|u| {
            hit(
                Source::Vasco,
                u.full_name(),
                Some(u.email.clone()),
                format!(
                    "platform user {} · {}",
                    crate::format::short_id(&u.id),
                    u.state.label()
                ),
                Target::PlatformUser(Box::new(u)),
            )
        })
        .collect();
    Ok(Answer { hits, capped })
}

async fn healthmov(o: &dyn Onboarding, q: &Query) -> Result<Answer, BackendError> {
    let (Query::Id(id) | Query::Name(id)) = q else {
        return Ok(Answer::default());
    };
    let found = o.find_external_id(id.clone()).await?;
    let hit = match &found {
        Found::Employee(e) => Some((e.full_name(), e.email.clone(), "client employee")),
        Found::Department(d) => Some((d.name.clone(), None, "department")),
        Found::Company(c) => Some((c.name.clone(), None, "company")),
        Found::Nothing => None,
    };
    Ok(Answer {
        hits: hit
            .map(|(name, email, kind)| {
                self::hit(
                    Source::Healthmov,
                    name,
                    email,
                    format!("{kind} · external id {id}"),
                    Target::Healthmov(Box::new(found)),
                )
            })
            .into_iter()
            .collect(),
        capped: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::columns::Shown;

    #[test]
    fn two_people_of_one_name_in_one_backend_are_told_apart_at_80_columns() {
        let user = |id: &str| crate::app::test_support::end_user(id, "ACTIVE");
        let hits = [
            end_hit(user("0d6f1c2e-0000-4000-8000-000000000001")),
            end_hit(user("7b41a9d0-0000-4000-8000-000000000002")),
        ];
        // The columns an 80-column screen shows (Email only from 120).
        let shown = Shown {
            today: jiff::Timestamp::UNIX_EPOCH,
            language: "en",
        };
        let row = |h: &Hit| {
            crate::app::features::search::COLUMNS
                .iter()
                .filter(|c| c.min_table_width <= 80)
                .map(|c| c.text(h, &shown))
                .collect::<Vec<_>>()
        };
        assert_ne!(row(&hits[0]), row(&hits[1]));
        assert!(row(&hits[0]).concat().contains("0d6f1c2e"));
    }
}
