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

/// One platform user with their accounts.
#[derive(Debug)]
pub struct PlatformUserView {
    pub user: crate::core::platform::PlatformUser,
    /// What was just done, or why it was refused.
    pub notice: Option<String>,
    pub account_row: usize,
}
