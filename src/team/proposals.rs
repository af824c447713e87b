//! Four-eyes proposals: made by one operator, confirmed or declined by another, then done.

use super::claims::INSERT_EVENT;
use super::{
    Cols, EntryKind, NewProposal, Operator, Proposal, ProposalStatus, TeamError, TeamStore, begin,
    check_text, micros, with_engine,
};
use uuid::Uuid;

const COLS: &str = "id, idempotency_key, action, backend, targets, subject, seen_version, reason, \
    payload, maker, maker_name, maker_host, made_at_us, status, checker, checker_name, \
    decided_at_us, decision_note, outcome, done_at_us, send_started_us, sends";

/// The largest payload kept, serialized.
const PAYLOAD_MAX: usize = 256 * 1024;

fn decode(e: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(e.to_string().into())
}

fn proposal_from(r: &impl Cols) -> Result<Proposal, sqlx::Error> {
    let uuid = |s: String| Uuid::parse_str(&s).map_err(decode);
    let time = |us: i64| micros(us).map_err(decode);
    let status = r.text(13)?;
    Ok(Proposal {
        id: uuid(r.text(0)?)?,
        idempotency_key: uuid(r.text(1)?)?,
        action: r.text(2)?,
        backend: r.text(3)?,
        targets: serde_json::from_str(&r.text(4)?).map_err(decode)?,
        subject: r.text(5)?,
        seen_version: r.text(6)?,
        reason: r.opt_text(7)?,
        payload: serde_json::from_str(&r.text(8)?).map_err(decode)?,
        maker: r.text(9)?,
        maker_name: r.opt_text(10)?,
        maker_host: r.text(11)?,
        made_at: time(r.int(12)?)?,
        status: ProposalStatus::parse(&status)
            .ok_or_else(|| decode(format!("unknown proposal status {status:?}")))?,
        checker: r.opt_text(14)?,
        checker_name: r.opt_text(15)?,
        decided_at: r.opt_int(16)?.map(time).transpose()?,
        decision_note: r.opt_text(17)?,
        outcome: r.opt_text(18)?,
        done_at: r.opt_int(19)?.map(time).transpose()?,
        send_started: r.opt_int(20)?.map(time).transpose()?,
        sends: r.int(21)?,
    })
}

/// One status change: the `UPDATE … RETURNING` that makes it (only from the statuses its
/// `WHERE` allows), and the timeline event written with it in one transaction.
struct Step<'a> {
    update: String,
    /// `$2`, `$3`, … of `update` (`$1` is the proposal's id).
    binds: Vec<Bind>,
    kind: EntryKind,
    text: Box<dyn Fn(&Proposal) -> String + Send + Sync + 'a>,
    /// The operator the event names; `None`: the proposal's checker, if any.
    who: Option<&'a Operator>,
}

enum Bind {
    Text(Option<String>),
    Int(i64),
}

impl From<Option<String>> for Bind {
    fn from(v: Option<String>) -> Bind {
        Bind::Text(v)
    }
}

fn lease_micros(lease: std::time::Duration) -> Result<i64, TeamError> {
    i64::try_from(lease.as_micros())
        .map_err(|_| TeamError::Invalid("a sending lease that long is not kept".into()))
}

impl TeamStore {
    /// Records a proposal (status open) and its `proposal.made` event on the subject's
    /// timeline, with a fresh id and idempotency key.
    pub async fn propose(&self, p: NewProposal) -> Result<Proposal, TeamError> {
        for (what, v) in [
            ("the action", &p.action),
            ("the backend", &p.backend),
            ("the subject", &p.subject),
        ] {
            if v.trim().is_empty() {
                return Err(TeamError::Invalid(format!("a proposal needs {what}")));
            }
            check_text(what, v)?;
        }
        if let Some(r) = &p.reason {
            check_text("the reason", r)?;
        }
        check_text("the version", &p.seen_version)?;
        let targets = serde_json::to_string(&p.targets).expect("strings serialize");
        check_text("the targets", &targets)?;
        let payload = serde_json::to_string(&p.payload).expect("JSON values serialize");
        if payload.len() > PAYLOAD_MAX {
            return Err(TeamError::Invalid(format!(
                "a proposal's payload is larger than {PAYLOAD_MAX} bytes"
            )));
        }
        let id = Uuid::new_v4();
        let idempotency_key = Uuid::new_v4();
        let maker = p.maker.key();
        let text = match &p.reason {
            Some(r) if !r.trim().is_empty() => {
                format!("proposed {} on {}: {r}", p.action, p.targets.join(", "))
            }
            _ => format!("proposed {} on {}", p.action, p.targets.join(", ")),
        };
        Ok(with_engine!(self, |pool, now, begin| {
            let run = async {
                let mut tx = begin!(pool, begin)?;
                let insert = format!(
                    "INSERT INTO proposals (id, idempotency_key, action, backend, targets, subject, \
                     seen_version, reason, payload, maker, maker_name, maker_host, made_at_us, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, {now}, 'open') \
                     RETURNING {COLS}"
                );
                let proposal = sqlx::query(&insert)
                    .bind(id.to_string())
                    .bind(idempotency_key.to_string())
                    .bind(&p.action)
                    .bind(&p.backend)
                    .bind(&targets)
                    .bind(&p.subject)
                    .bind(&p.seen_version)
                    .bind(&p.reason)
                    .bind(&payload)
                    .bind(&maker)
                    .bind(&p.maker.name)
                    .bind(&p.maker.host)
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|row| proposal_from(&row))?;
                sqlx::query(&INSERT_EVENT.replace("{now}", now))
                    .bind(&p.subject)
                    .bind(&maker)
                    .bind(&p.maker.name)
                    .bind(&p.maker.host)
                    .bind(EntryKind::ProposalMade.as_str())
                    .bind(&text)
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(proposal)
            };
            run.await.map_err(|e| self.err(e))?
        }))
    }

    /// The open proposals, oldest first.
    pub async fn pending(&self) -> Result<Vec<Proposal>, TeamError> {
        let sql =
            format!("SELECT {COLS} FROM proposals WHERE status = 'open' ORDER BY made_at_us, id");
        Ok(with_engine!(self, |pool, now, _begin| {
            let rows = sqlx::query(&sql)
                .fetch_all(pool)
                .await
                .map_err(|e| self.err(e))?;
            rows.iter()
                .map(proposal_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| self.err(e))?
        }))
    }

    pub async fn proposal(&self, id: Uuid) -> Result<Option<Proposal>, TeamError> {
        let sql = format!("SELECT {COLS} FROM proposals WHERE id = $1");
        Ok(with_engine!(self, |pool, now, _begin| {
            sqlx::query(&sql)
                .bind(id.to_string())
                .fetch_optional(pool)
                .await
                .and_then(|row| row.as_ref().map(proposal_from).transpose())
                .map_err(|e| self.err(e))?
        }))
    }

    /// Open → confirmed by `checker`, once: a second confirmation (or one after a decline or a
    /// void) is [`TeamError::NotOpen`], and the maker's own is [`TeamError::OwnProposal`]
    /// (refused by the database's constraint). The checker's console then sends the payload
    /// with the idempotency key and calls [`TeamStore::finish`].
    pub async fn confirm(&self, id: Uuid, checker: &Operator) -> Result<Proposal, TeamError> {
        self.step(
            id,
            Step {
                update:
                    "status = 'confirmed', checker = $2, checker_name = $3, checker_host = $4, \
                         decided_at_us = {now}, send_started_us = {now}, sends = 1 \
                         WHERE id = $1 AND status = 'open'"
                        .into(),
                binds: vec![
                    Bind::from(Some(checker.key())),
                    Bind::from(checker.name.clone()),
                    Bind::from(Some(checker.host.clone())),
                ],
                kind: EntryKind::ProposalConfirmed,
                text: Box::new(|p| format!("confirmed {}", p.action)),
                who: Some(checker),
            },
            |id, status| TeamError::NotOpen { id, status },
        )
        .await
    }

    /// The confirmed proposals whose last sending began more than `lease` ago and that are
    /// neither done nor void: their checker's console was cut off before it finished (it
    /// died, lost the store) and one of the team sends them again ([`TeamStore::resend`]).
    pub async fn unsent(&self, lease: std::time::Duration) -> Result<Vec<Proposal>, TeamError> {
        let lease = lease_micros(lease)?;
        Ok(with_engine!(self, |pool, now, _begin| {
            let sql = format!(
                "SELECT {COLS} FROM proposals WHERE status = 'confirmed' \
                 AND COALESCE(send_started_us, decided_at_us) <= {now} - $1 \
                 ORDER BY decided_at_us, id"
            );
            let rows = sqlx::query(&sql)
                .bind(lease)
                .fetch_all(pool)
                .await
                .map_err(|e| self.err(e))?;
            rows.iter()
                .map(proposal_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| self.err(e))?
        }))
    }

    /// Takes over the sending of a confirmed proposal whose last attempt began more than
    /// `lease` ago, for `sender` (anyone but its maker): exactly one console wins, the attempt
    /// is counted and on the timeline. The confirmation itself (its checker, its time) stays.
    /// Too early is [`TeamError::StillSending`]; not confirmed is [`TeamError::NotConfirmed`].
    pub async fn resend(
        &self,
        id: Uuid,
        sender: &Operator,
        lease: std::time::Duration,
    ) -> Result<Proposal, TeamError> {
        let p = self
            .proposal(id)
            .await?
            .ok_or(TeamError::NoSuchProposal(id))?;
        if p.maker == sender.key() {
            return Err(TeamError::OwnProposal);
        }
        let micros = lease_micros(lease)?;
        let attempt = p.sends + 1;
        let result = self
            .step(
                id,
                Step {
                    update: "send_started_us = {now}, sends = sends + 1 \
                             WHERE id = $1 AND status = 'confirmed' AND maker <> $2 \
                             AND COALESCE(send_started_us, decided_at_us) <= {now} - $3"
                        .into(),
                    binds: vec![Some(sender.key()).into(), Bind::Int(micros)],
                    kind: EntryKind::ProposalResent,
                    text: Box::new(move |p| {
                        format!(
                            "sending {} again (attempt {attempt}): the last sending was cut off",
                            p.action
                        )
                    }),
                    who: Some(sender),
                },
                |id, status| TeamError::NotConfirmed { id, status },
            )
            .await;
        match result {
            Err(TeamError::NotConfirmed {
                status: ProposalStatus::Confirmed,
                ..
            }) => {
                let now = self
                    .proposal(id)
                    .await?
                    .ok_or(TeamError::NoSuchProposal(id))?;
                Err(TeamError::StillSending {
                    id,
                    since: now.send_started.or(now.decided_at).unwrap_or(now.made_at),
                    lease,
                })
            }
            other => other,
        }
    }

    /// Open → declined by `checker` (not the maker), with a reason.
    pub async fn decline(
        &self,
        id: Uuid,
        checker: &Operator,
        reason: &str,
    ) -> Result<Proposal, TeamError> {
        if reason.trim().is_empty() {
            return Err(TeamError::Invalid("declining needs a reason".into()));
        }
        check_text("the reason", reason)?;
        self.step(
            id,
            Step {
                update: "status = 'declined', checker = $2, checker_name = $3, checker_host = $4, \
                         decided_at_us = {now}, decision_note = $5 \
                         WHERE id = $1 AND status = 'open'"
                    .into(),
                binds: vec![
                    Bind::from(Some(checker.key())),
                    Bind::from(checker.name.clone()),
                    Bind::from(Some(checker.host.clone())),
                    Bind::from(Some(reason.to_string())),
                ],
                kind: EntryKind::ProposalDeclined,
                text: Box::new(move |p| format!("declined {}: {reason}", p.action)),
                who: Some(checker),
            },
            |id, status| TeamError::NotOpen { id, status },
        )
        .await
    }

    /// Open or confirmed (not yet done) → void, saying why: e.g. the target changed since the
    /// maker saw it, so the proposal no longer says what it would do.
    pub async fn void(&self, id: Uuid, why: &str) -> Result<Proposal, TeamError> {
        check_text("why", why)?;
        self.step(
            id,
            Step {
                update: "status = 'void', decision_note = $2, \
                         decided_at_us = COALESCE(decided_at_us, {now}) \
                         WHERE id = $1 AND status IN ('open', 'confirmed')"
                    .into(),
                binds: vec![Bind::from(Some(why.to_string()))],
                kind: EntryKind::ProposalVoid,
                text: Box::new(move |p| format!("{} is void: {why}", p.action)),
                who: None,
            },
            |id, status| TeamError::NotOpen { id, status },
        )
        .await
    }

    /// Confirmed → done, with the backend's outcome.
    pub async fn finish(&self, id: Uuid, outcome: &str) -> Result<(), TeamError> {
        check_text("the outcome", outcome)?;
        self.step(
            id,
            Step {
                update: "status = 'done', outcome = $2, done_at_us = {now} \
                         WHERE id = $1 AND status = 'confirmed'"
                    .into(),
                binds: vec![Bind::from(Some(outcome.to_string()))],
                kind: EntryKind::ProposalDone,
                text: Box::new(move |p| format!("{} done: {outcome}", p.action)),
                who: None,
            },
            |id, status| TeamError::NotConfirmed { id, status },
        )
        .await
        .map(|_| ())
    }

    async fn step(
        &self,
        id: Uuid,
        step: Step<'_>,
        wrong_status: fn(Uuid, ProposalStatus) -> TeamError,
    ) -> Result<Proposal, TeamError> {
        let changed = with_engine!(self, |pool, now, begin| {
            let run = async {
                let mut tx = begin!(pool, begin)?;
                let update = format!(
                    "UPDATE proposals SET {} RETURNING {COLS}",
                    step.update.replace("{now}", now)
                );
                let mut query = sqlx::query(&update).bind(id.to_string());
                for b in &step.binds {
                    query = match b {
                        Bind::Text(t) => query.bind(t.as_deref()),
                        Bind::Int(i) => query.bind(*i),
                    };
                }
                let Some(row) = query.fetch_optional(&mut *tx).await? else {
                    tx.rollback().await?;
                    return Ok(None);
                };
                let p = proposal_from(&row)?;
                // The event names the operator who acted; for what the store does on its own
                // (a void), nobody; for `finish`, the proposal's checker, whose console sent it.
                let (who, who_name, host) = match step.who {
                    Some(o) => (Some(o.key()), o.name.clone(), Some(o.host.clone())),
                    None if step.kind == EntryKind::ProposalDone => {
                        let host: Option<String> =
                            sqlx::query_scalar("SELECT checker_host FROM proposals WHERE id = $1")
                                .bind(id.to_string())
                                .fetch_one(&mut *tx)
                                .await?;
                        (p.checker.clone(), p.checker_name.clone(), host)
                    }
                    None => (None, None, None),
                };
                sqlx::query(&INSERT_EVENT.replace("{now}", now))
                    .bind(&p.subject)
                    .bind(who)
                    .bind(who_name)
                    .bind(host)
                    .bind(step.kind.as_str())
                    .bind((step.text)(&p))
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(Some(p))
            };
            run.await.map_err(|e| self.err(e))?
        });
        match changed {
            Some(p) => Ok(p),
            None => match self.proposal(id).await? {
                None => Err(TeamError::NoSuchProposal(id)),
                Some(p) => Err(wrong_status(id, p.status)),
            },
        }
    }
}
