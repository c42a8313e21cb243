//! Placeholder until the fleet branch's job store is merged: no job exists.

use github_oidc_core::fleet::Inventory;
use github_oidc_core::{Error, Result};

/// Calls `f` with the final inventory of a completed job.
pub fn with_inventory<R>(job_id: u64, _f: impl FnOnce(&Inventory) -> R) -> Result<R> {
    Err(Error::invalid(format!(
        "There is no job {job_id}: it was never started, or it was closed."
    )))
}
