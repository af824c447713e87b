//! Tests of the onboarding logic, key by key.
