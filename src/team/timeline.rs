//! Case notes and the timeline of a subject (`unioo:user:7`, `unioo:document:12`, …).

use super::claims::INSERT_EVENT;
use super::{
    Cols, EntryKind, Operator, TeamError, TeamStore, TimelineEntry, check_text, micros, with_engine,
};
use uuid::Uuid;

const TIMELINE: &str = "SELECT at_us, who, who_name, host, kind, text, proposal_id FROM events \
    WHERE subject = $1 ORDER BY at_us DESC, id DESC";

fn entry_from(r: &impl Cols) -> Result<TimelineEntry, sqlx::Error> {
    let decode = |e: String| sqlx::Error::Decode(e.into());
    Ok(TimelineEntry {
        at: micros(r.int(0)?).map_err(|e| decode(e.to_string()))?,
        who: r.opt_text(1)?,
        who_name: r.opt_text(2)?,
        host: r.opt_text(3)?,
        kind: EntryKind::parse(&r.text(4)?),
        text: r.text(5)?,
        proposal: r
            .opt_text(6)?
            .map(|s| Uuid::parse_str(&s).map_err(|e| decode(e.to_string())))
            .transpose()?,
    })
}

impl TeamStore {
    /// Adds an internal note to `subject`'s timeline.
    pub async fn add_note(
        &self,
        subject: &str,
        who: &Operator,
        text: &str,
    ) -> Result<(), TeamError> {
        if text.trim().is_empty() {
            return Err(TeamError::Invalid("a note cannot be empty".into()));
        }
        self.insert_event(subject, who, EntryKind::Note.as_str(), text)
            .await
    }

    /// Records what an operator did to `subject` (a decision, a reveal, …) on its timeline.
    /// `kind` is the caller's own name for it; the store's own kinds (`note`, `proposal.*`,
    /// `claim.taken_over`) are refused here.
    pub async fn record_event(
        &self,
        subject: &str,
        who: &Operator,
        kind: &str,
        text: &str,
    ) -> Result<(), TeamError> {
        if kind.trim().is_empty() || EntryKind::is_reserved(kind) {
            return Err(TeamError::Invalid(format!(
                "{kind:?} is not a kind of event the console may record"
            )));
        }
        check_text("the kind", kind)?;
        self.insert_event(subject, who, kind, text).await
    }

    async fn insert_event(
        &self,
        subject: &str,
        who: &Operator,
        kind: &str,
        text: &str,
    ) -> Result<(), TeamError> {
        if subject.trim().is_empty() {
            return Err(TeamError::Invalid("an event needs a subject".into()));
        }
        check_text("the subject", subject)?;
        check_text("the text", text)?;
        let key = who.key();
        with_engine!(self, |pool, now, _begin| {
            sqlx::query(&INSERT_EVENT.replace("{now}", now))
                .bind(subject)
                .bind(&key)
                .bind(&who.name)
                .bind(&who.host)
                .bind(kind)
                .bind(text)
                .bind(None::<String>)
                .execute(pool)
                .await
                .map_err(|e| self.err(e))?;
        });
        Ok(())
    }

    /// Everything recorded on `subject` by every operator, newest first: notes, events,
    /// proposals' steps, claims taken over.
    pub async fn timeline(&self, subject: &str) -> Result<Vec<TimelineEntry>, TeamError> {
        Ok(with_engine!(self, |pool, now, _begin| {
            let rows = sqlx::query(TIMELINE)
                .bind(subject)
                .fetch_all(pool)
                .await
                .map_err(|e| self.err(e))?;
            rows.iter()
                .map(entry_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| self.err(e))?
        }))
    }
}
