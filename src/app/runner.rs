//! Carries out effects: each call is a tokio task whose result comes back as an action.
//! Cancelling aborts the task, so a cancelled request's answer never arrives. Routing only:
//! each feature's `calls::perform` does its part.

use super::action::{Action, Call, Effect, Payload, RequestId};
use super::features::{
    audit, bank_users, end_users, notes, onboarding, pending, people, platform, review, search,
    staff,
};
use crate::backends::BackendError;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

pub use super::backends::{Audit, Backends};
pub use super::document_image::{ImageRefused, MAX_IMAGE_ALLOC, MAX_IMAGE_SIDE, decode_image};

pub struct Runner {
    backends: Backends,
    tx: UnboundedSender<Action>,
    tasks: HashMap<RequestId, AbortHandle>,
    /// Running imports: asked to stop, they finish the rows in flight and report.
    stops: HashMap<RequestId, Arc<AtomicBool>>,
    /// Calls that still go out when the console quits (a claim let go).
    lasting: Vec<tokio::task::JoinHandle<()>>,
}

impl Runner {
    pub fn new(backends: Backends, tx: UnboundedSender<Action>) -> Self {
        Runner {
            backends,
            tx,
            tasks: HashMap::new(),
            stops: HashMap::new(),
            lasting: Vec::new(),
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Call { req, call } if call.outlives_quit() => {
                let backends = self.backends.clone();
                let tx = self.tx.clone();
                self.lasting.retain(|h| !h.is_finished());
                self.lasting.push(tokio::spawn(async move {
                    let result = perform(&backends, call).await;
                    let _ = tx.send(Action::Loaded { req, result });
                }));
            }
            Effect::Call { req, call } => {
                let backends = self.backends.clone();
                let tx = self.tx.clone();
                let handle = if let Call::Onboarding(onboarding::calls::Call::Import {
                    checked,
                    company_id,
                    department_id,
                    audit,
                }) = call
                {
                    let stop = Arc::new(AtomicBool::new(false));
                    self.stops.insert(req, stop.clone());
                    tokio::spawn(async move {
                        let progress = tx.clone();
                        let result = onboarding::calls::import(
                            &backends,
                            *checked,
                            company_id,
                            department_id,
                            &audit,
                            &stop,
                            move |p| {
                                let _ = progress.send(Action::ImportProgress {
                                    req,
                                    progress: p.clone(),
                                });
                            },
                        )
                        .await
                        .map(Payload::from);
                        let _ = tx.send(Action::Loaded { req, result });
                    })
                } else {
                    tokio::spawn(async move {
                        let result = perform(&backends, call).await;
                        let _ = tx.send(Action::Loaded { req, result });
                    })
                };
                self.tasks.retain(|_, h| !h.is_finished());
                self.tasks.insert(req, handle.abort_handle());
            }
            Effect::Cancel(req) => {
                if let Some(h) = self.tasks.remove(&req) {
                    h.abort();
                }
            }
            Effect::Stop(req) => {
                if let Some(s) = self.stops.remove(&req) {
                    s.store(true, Ordering::SeqCst);
                }
            }
            // The terminal's part, not a backend's.
            Effect::Copy(_) | Effect::Unlock(_) => {}
            // Carried out by `update` before its effects leave it.
            Effect::Open(_) | Effect::OpenPerson { .. } | Effect::Run(_) => {}
            Effect::Quit => {
                for (_, h) in self.tasks.drain() {
                    h.abort();
                }
            }
        }
    }
}

impl Runner {
    /// Waits, at most `within`, for the calls that outlive quitting.
    pub async fn settle(&mut self, within: std::time::Duration) {
        let all = futures_util::future::join_all(self.lasting.drain(..));
        if tokio::time::timeout(within, all).await.is_err() {
            tracing::warn!("claims were not all let go before quitting; they expire");
        }
    }
}

/// One call, by the feature it belongs to. Boxed, so that a confirmed proposal's change can be
/// sent through this same routing from inside it.
pub fn perform(
    b: &Backends,
    call: Call,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Payload, BackendError>> + Send + '_>>
{
    Box::pin(route(b, call))
}

/// Every read of personal data is on the record before it is sent (PCI DSS 10.2.1): a read
/// whose record cannot be written is refused, as a change is.
async fn route(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    match call.access() {
        Some(access) => super::backends::audited(&b.audit, &access, dispatch(b, call)).await,
        None => dispatch(b, call).await,
    }
}

async fn dispatch(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    Ok(match call {
        Call::Search(c) => search::calls::perform(b, c).await?.into(),
        Call::People(c) => people::calls::perform(b, c).await?.into(),
        Call::Staff(c) => staff::calls::perform(b, c).await?.into(),
        Call::Review(c) => review::calls::perform(b, c).await?.into(),
        Call::Audit(c) => audit::calls::perform(b, c).await?.into(),
        Call::Onboarding(c) => onboarding::calls::perform(b, c).await?.into(),
        Call::Platform(c) => platform::calls::perform(b, c).await?.into(),
        Call::EndUsers(c) => end_users::calls::perform(b, c).await?.into(),
        Call::BankUsers(c) => bank_users::calls::perform(b, c).await?.into(),
        // A confirmed proposal's change is sent through this same routing.
        Call::Pending(pending::calls::Call::Confirm(id)) => {
            let send: pending::calls::Sender = Box::new(|b, c| perform(b, c));
            pending::calls::confirm(b, id, send).await?.into()
        }
        Call::Pending(c) => pending::calls::perform(b, c).await?.into(),
        Call::Notes(c) => notes::calls::perform(b, c).await?.into(),
        Call::Reveal { audit } => super::reveal::perform(b, audit).await?,
        Call::Export(c) => super::export::perform(b, *c).await?,
        Call::Propose(c) => super::four_eyes::propose(b, *c).await?,
        Call::AuditCheck => super::central_audit::check(b).await,
    })
}
