//! Claims on review work: one row per item, taken by one conditional write.

use super::{
    Claim, ClaimResult, Cols, Engine, EntryKind, Operator, TeamError, TeamStore, begin, check_text,
    micros, with_engine,
};
use std::time::Duration;

/// Takes the item when it is free, expired, or already the caller's (then renews it, keeping
/// when it was taken). The database decides: a live claim of someone else's is left alone and
/// no row comes back.
const CLAIM: &str = "INSERT INTO claims (item, owner, owner_name, host, taken_at_us, expires_at_us)
VALUES ($1, $2, $3, $4, {now}, {now} + $5)
ON CONFLICT (item) DO UPDATE SET
    owner = excluded.owner,
    owner_name = excluded.owner_name,
    host = excluded.host,
    taken_at_us = CASE WHEN claims.owner = excluded.owner AND claims.expires_at_us > {now}
                       THEN claims.taken_at_us ELSE excluded.taken_at_us END,
    expires_at_us = excluded.expires_at_us
WHERE claims.expires_at_us <= {now} OR claims.owner = excluded.owner
RETURNING item, owner, owner_name, host, taken_at_us, expires_at_us";

/// Takes the item whoever holds it.
const TAKE_OVER: &str =
    "INSERT INTO claims (item, owner, owner_name, host, taken_at_us, expires_at_us)
VALUES ($1, $2, $3, $4, {now}, {now} + $5)
ON CONFLICT (item) DO UPDATE SET
    owner = excluded.owner,
    owner_name = excluded.owner_name,
    host = excluded.host,
    taken_at_us = excluded.taken_at_us,
    expires_at_us = excluded.expires_at_us
RETURNING item, owner, owner_name, host, taken_at_us, expires_at_us";

const LIVE: &str = "SELECT item, owner, owner_name, host, taken_at_us, expires_at_us
FROM claims WHERE item = $1 AND expires_at_us > {now}";

const LIVE_AMONG_SQLITE: &str = "SELECT item, owner, owner_name, host, taken_at_us, expires_at_us
FROM claims WHERE item IN (SELECT value FROM json_each($1)) AND expires_at_us > {now}
ORDER BY item";

const LIVE_AMONG_PG: &str = "SELECT item, owner, owner_name, host, taken_at_us, expires_at_us
FROM claims WHERE item IN (SELECT jsonb_array_elements_text($1::jsonb)) AND expires_at_us > {now}
ORDER BY item";

pub(super) const INSERT_EVENT: &str =
    "INSERT INTO events (subject, at_us, who, who_name, host, kind, text, proposal_id)
VALUES ($1, {now}, $2, $3, $4, $5, $6, $7)";

fn claim_from(r: &impl Cols) -> Result<Claim, sqlx::Error> {
    Ok(Claim {
        item: r.text(0)?,
        owner: r.text(1)?,
        owner_name: r.opt_text(2)?,
        host: r.text(3)?,
        taken_at: micros_or_decode_err(r.int(4)?)?,
        expires_at: micros_or_decode_err(r.int(5)?)?,
    })
}

fn micros_or_decode_err(us: i64) -> Result<jiff::Timestamp, sqlx::Error> {
    micros(us).map_err(|e| sqlx::Error::Decode(e.to_string().into()))
}

fn ttl_micros(ttl: Duration) -> Result<i64, TeamError> {
    i64::try_from(ttl.as_micros())
        .map_err(|_| TeamError::Invalid("a claim's time to live is too long".into()))
}

impl TeamStore {
    /// Claims `item` for `who` for `ttl` (from the database's clock): [`ClaimResult::Taken`]
    /// when it was free, expired or already `who`'s (renewed), [`ClaimResult::HeldBy`] with the
    /// live claim of whoever else holds it. Two consoles claiming at once: exactly one gets it.
    pub async fn claim(
        &self,
        item: &str,
        who: &Operator,
        ttl: Duration,
    ) -> Result<ClaimResult, TeamError> {
        let ttl = ttl_micros(ttl)?;
        let key = who.key();
        // A claim that is released or expires between the refused write and the read of who
        // holds it is tried again; a few rounds settle it.
        for _ in 0..8 {
            let taken = with_engine!(self, |pool, now, _begin| {
                let sql = CLAIM.replace("{now}", now);
                sqlx::query(&sql)
                    .bind(item)
                    .bind(&key)
                    .bind(&who.name)
                    .bind(&who.host)
                    .bind(ttl)
                    .fetch_optional(pool)
                    .await
                    .and_then(|row| row.as_ref().map(claim_from).transpose())
                    .map_err(|e| self.err(e))?
            });
            if let Some(claim) = taken {
                return Ok(ClaimResult::Taken(claim));
            }
            if let Some(held) = self.live_claim(item).await? {
                return Ok(ClaimResult::HeldBy(held));
            }
        }
        Err(TeamError::Store {
            target: self.target.to_string(),
            message: format!("the claim on {item} kept changing hands; try again"),
        })
    }

    /// The live claim on `item`, if any.
    pub async fn live_claim(&self, item: &str) -> Result<Option<Claim>, TeamError> {
        Ok(with_engine!(self, |pool, now, _begin| {
            let sql = LIVE.replace("{now}", now);
            sqlx::query(&sql)
                .bind(item)
                .fetch_optional(pool)
                .await
                .and_then(|row| row.as_ref().map(claim_from).transpose())
                .map_err(|e| self.err(e))?
        }))
    }

    /// Gives up `who`'s claim on `item` (nothing happens when someone else holds it).
    pub async fn release(&self, item: &str, who: &Operator) -> Result<(), TeamError> {
        let key = who.key();
        with_engine!(self, |pool, now, _begin| {
            sqlx::query("DELETE FROM claims WHERE item = $1 AND owner = $2")
                .bind(item)
                .bind(&key)
                .execute(pool)
                .await
                .map_err(|e| self.err(e))?;
        });
        Ok(())
    }

    /// Takes `item` whoever holds it, with a reason; when someone else held a live claim, the
    /// item's timeline records who took it from whom and why.
    pub async fn take_over(
        &self,
        item: &str,
        who: &Operator,
        reason: &str,
        ttl: Duration,
    ) -> Result<Claim, TeamError> {
        if reason.trim().is_empty() {
            return Err(TeamError::Invalid(
                "taking over a claim needs a reason".into(),
            ));
        }
        check_text("the reason", reason)?;
        let ttl = ttl_micros(ttl)?;
        let key = who.key();
        Ok(with_engine!(self, |pool, now, begin| {
            let run = async {
                let mut tx = begin!(pool, begin)?;
                // Lock the row first, so who held it is still who holds it when it is taken.
                sqlx::query("UPDATE claims SET owner = owner WHERE item = $1")
                    .bind(item)
                    .execute(&mut *tx)
                    .await?;
                let held = sqlx::query(&LIVE.replace("{now}", now))
                    .bind(item)
                    .fetch_optional(&mut *tx)
                    .await?
                    .as_ref()
                    .map(claim_from)
                    .transpose()?;
                let claim = sqlx::query(&TAKE_OVER.replace("{now}", now))
                    .bind(item)
                    .bind(&key)
                    .bind(&who.name)
                    .bind(&who.host)
                    .bind(ttl)
                    .fetch_one(&mut *tx)
                    .await
                    .and_then(|row| claim_from(&row))?;
                if let Some(held) = held.filter(|h| h.owner != key) {
                    let from = match &held.owner_name {
                        Some(name) => format!("{} ({name})", held.owner),
                        None => held.owner.clone(),
                    };
                    sqlx::query(&INSERT_EVENT.replace("{now}", now))
                        .bind(item)
                        .bind(&key)
                        .bind(&who.name)
                        .bind(&who.host)
                        .bind(EntryKind::ClaimTakenOver.as_str())
                        .bind(format!("took over from {from}: {reason}"))
                        .bind(None::<String>)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(claim)
            };
            run.await.map_err(|e| self.err(e))?
        }))
    }

    /// The live claims among `items` (expired ones are left out), ordered by item.
    pub async fn claims(&self, items: &[String]) -> Result<Vec<Claim>, TeamError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(items).expect("strings serialize");
        let template = match self.engine {
            Engine::Sqlite(_) => LIVE_AMONG_SQLITE,
            Engine::Postgres(_) => LIVE_AMONG_PG,
        };
        Ok(with_engine!(self, |pool, now, _begin| {
            let sql = template.replace("{now}", now);
            let rows = sqlx::query(&sql)
                .bind(&list)
                .fetch_all(pool)
                .await
                .map_err(|e| self.err(e))?;
            rows.iter()
                .map(claim_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| self.err(e))?
        }))
    }
}
