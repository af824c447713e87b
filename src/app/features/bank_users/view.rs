//! The views of this feature: what it keeps on the navigation stack.

#[allow(unused_imports)]
use crate::app::{action::RequestId, paging::PagedList, state::*};
#[allow(unused_imports)]
use crate::core::*;
#[allow(unused_imports)]
use std::time::{Duration, Instant};
#[allow(unused_imports)]
use tui_input::Input;
#[allow(unused_imports)]
use uuid::Uuid;

/// One bunq user: as listed, or loading when opened by id.
#[derive(Debug)]
pub struct BankUserView {
    pub id: u64,
    pub user: Resource<Box<crate::core::banking::BankUser>>,
    pub notice: Option<String>,
}
