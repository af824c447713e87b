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

/// One Upvest end user with their checks and tax residencies.
#[derive(Debug)]
pub struct EndUserView {
    pub user: crate::core::investing::EndUser,
    pub detail: Resource<Box<crate::core::investing::EndUserDetail>>,
    pub notice: Option<String>,
}
