//! Carries out effects: each backend call is a tokio task whose result comes back as an action.
//! Cancelling aborts the task, so a cancelled request's answer never arrives.

use super::action::{Action, Call, Effect, Payload, RequestId};
use crate::backends::PeopleDirectory;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

pub struct Runner {
    directory: Arc<dyn PeopleDirectory>,
    tx: UnboundedSender<Action>,
    tasks: HashMap<RequestId, AbortHandle>,
}

impl Runner {
    pub fn new(directory: Arc<dyn PeopleDirectory>, tx: UnboundedSender<Action>) -> Self {
        Runner {
            directory,
            tx,
            tasks: HashMap::new(),
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Call { req, call } => {
                let dir = self.directory.clone();
                let tx = self.tx.clone();
                let handle = tokio::spawn(async move {
                    let result = perform(dir.as_ref(), call).await;
                    let _ = tx.send(Action::Loaded { req, result });
                });
                self.tasks.retain(|_, h| !h.is_finished());
                self.tasks.insert(req, handle.abort_handle());
            }
            Effect::Cancel(req) => {
                if let Some(h) = self.tasks.remove(&req) {
                    h.abort();
                }
            }
            Effect::Quit => {
                for (_, h) in self.tasks.drain() {
                    h.abort();
                }
            }
        }
    }
}

pub async fn perform(
    dir: &dyn PeopleDirectory,
    call: Call,
) -> Result<Payload, crate::backends::BackendError> {
    use super::state::PAGE_SIZE;
    Ok(match call {
        Call::FindByCpr(cpr) => Payload::Search(dir.find_by_cpr(cpr).await?),
        Call::Person(id) => Payload::Person(dir.person(id).await?.map(Box::new)),
        Call::Users { after, sort } => Payload::Users(dir.users(after, sort, PAGE_SIZE).await?),
        Call::Employees { after, sort } => {
            Payload::Employees(dir.employees(after, sort, PAGE_SIZE).await?)
        }
        Call::Document { user, kind } => Payload::Document(dir.document(user, kind).await?),
    })
}
