//! Forms: fields validated as you leave them, errors beside the field, Tab and Shift-Tab to
//! move, a confirm step that shows the change, and Esc that asks before discarding typed input.

use tui_input::Input;

pub type Check = fn(&str) -> Result<(), String>;

/// Checks across fields (offboarding after onboarding, say): the label of each field in
/// error, and why.
pub type Rule = fn(&Form) -> Vec<(&'static str, String)>;

#[derive(Debug)]
pub struct Field {
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    pub check: Option<Check>,
    pub error: Option<String>,
    /// The value before editing, for the confirm step of an update.
    pub original: Option<String>,
    /// A birth date: refused when after the form's `today`.
    pub born: bool,
}

impl Field {
    pub fn new(label: &'static str, required: bool, check: Option<Check>) -> Field {
        Field {
            label,
            input: Input::default(),
            required,
            check,
            error: None,
            original: None,
            born: false,
        }
    }

    /// A birth date: a valid date, and not after today.
    pub fn born(label: &'static str, required: bool) -> Field {
        Field {
            born: true,
            ..Field::new(
                label,
                required,
                Some(|v| crate::core::validate::date(v).map(|_| ())),
            )
        }
    }

    /// Pre-filled with the current value (an update).
    pub fn with_value(mut self, value: Option<&str>) -> Field {
        let v = value.unwrap_or_default();
        self.input = Input::new(v.to_string());
        self.original = Some(v.to_string());
        self
    }

    /// Whether the value differs from the one it was opened with.
    pub fn changed(&self) -> bool {
        self.original
            .as_deref()
            .is_some_and(|o| o.trim() != self.input.value().trim())
    }

    fn validate(&mut self, today: Option<jiff::civil::Date>) -> bool {
        let v = self.input.value().trim();
        self.error = if v.is_empty() {
            self.required.then(|| "is required".to_string())
        } else {
            self.check.and_then(|c| c(v).err()).or_else(|| {
                let date = crate::core::validate::date(v).ok()?;
                (self.born && today.is_some_and(|t| date > t))
                    .then(|| "is in the future".to_string())
            })
        };
        self.error.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Editing,
    /// Shows what will be sent; Enter sends.
    Confirming,
    /// Esc with typed input: asks before throwing it away.
    DiscardAsked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndUserForm {
    Create { idempotency_key: String },
    Offboard { id: String, name: String },
    RequestChange { id: String, idempotency_key: String },
}

/// A bunq user's status or details; each is one `PUT`, safe to resend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankUserForm {
    Block { id: u64 },
    Status { id: u64 },
    Edit { id: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformForm {
    Activate {
        id: String,
        email: String,
    },
    Deactivate {
        id: String,
        email: String,
    },
    /// The groups seen so far, as (id, name): the API has no list of them.
    MoveGroup {
        id: String,
        email: String,
        groups: Vec<(String, String)>,
    },
    Edit {
        id: String,
        email: String,
    },
    Create,
}

/// What the form creates or changes, with what it needs to know to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    BankEmployee,
    /// `upsert`: create-or-update keyed by external id.
    Company {
        upsert: bool,
    },
    Department {
        company_id: String,
    },
    /// `new`: onboarding (with an optional dependent); else an update that leaves the
    /// dependents as they are.
    ClientEmployee {
        company_id: String,
        department_id: String,
        new: bool,
        /// The employee updated (`None` when new): where a second console reads them back.
        at: Option<crate::core::EmployeeAt>,
    },
    Dependent {
        /// The parent employee.
        at: crate::core::EmployeeAt,
        /// The parent as loaded, with every dependent: a dependent without an email is saved
        /// through the employee's whole record (Healthmov keys `addOrUpdateDependent` by email).
        parent: Box<crate::core::ClientEmployee>,
        /// Which of the parent's dependents is edited; `None`: a new one.
        editing: Option<usize>,
    },
    /// A platform user's lifecycle or details (VASCO).
    Platform(PlatformForm),
    /// An end user (Upvest); the idempotency key is made when the form opens, so a
    /// resend after a failure is the same request.
    EndUser(EndUserForm),
    BankUser(BankUserForm),
    Offboarding {
        employee_id: String,
        at: crate::core::EmployeeAt,
        /// For the check: offboarding may not come before it.
        onboarding: Option<jiff::civil::Date>,
    },
}

#[derive(Debug)]
pub struct Form {
    pub kind: FormKind,
    pub title: &'static str,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub stage: Stage,
    /// Why the backend refused the last attempt.
    pub error: Option<String>,
    /// A request on its way.
    pub sending: Option<super::action::RequestId>,
    pub rule: Option<Rule>,
    /// The confirm step's question, e.g. "Create this employee?".
    pub question: &'static str,
    /// Who or what the form is about, shown above the fields.
    pub subject: Option<String>,
    /// Something the operator must weigh before confirming, shown in red above the fields.
    pub warning: Option<String>,
    /// What birth dates are judged against: the state's `today`, set as keys arrive.
    pub today: Option<jiff::civil::Date>,
    /// Its change needs a second officer: Enter records a proposal and sends nothing.
    pub proposes: bool,
}

impl Form {
    pub fn bank_employee() -> Form {
        Form {
            kind: FormKind::BankEmployee,
            title: "New bank employee (Unioo)",
            fields: vec![
                Field::new("Email", true, Some(crate::core::validate::email)),
                Field::new("First name", false, None),
                Field::new("Last name", false, None),
            ],
            focus: 0,
            stage: Stage::Editing,
            error: None,
            sending: None,
            rule: None,
            question: "Create this employee?",
            subject: None,
            warning: None,
            today: None,
            proposes: false,
        }
    }

    pub fn new(
        kind: FormKind,
        title: &'static str,
        question: &'static str,
        fields: Vec<Field>,
    ) -> Form {
        Form {
            kind,
            title,
            fields,
            focus: 0,
            stage: Stage::Editing,
            error: None,
            sending: None,
            rule: None,
            question,
            subject: None,
            warning: None,
            today: None,
            proposes: false,
        }
    }

    pub fn about(mut self, subject: String) -> Form {
        self.subject = Some(subject);
        self
    }

    pub fn with_rule(mut self, rule: Rule) -> Form {
        self.rule = Some(rule);
        self
    }

    /// Fields whose value differs from the one the form opened with (updates).
    pub fn changes(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.changed())
    }

    /// The cross-field errors for fields that are otherwise fine; `only`: just this field.
    fn apply_rule(&mut self, only: Option<usize>) {
        let Some(rule) = self.rule else { return };
        for (label, why) in rule(self) {
            if let Some(i) = self.fields.iter().position(|f| f.label == label)
                && only.is_none_or(|o| o == i)
                && self.fields[i].error.is_none()
            {
                self.fields[i].error = Some(why);
            }
        }
    }

    pub fn value(&self, label: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.input.value().trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// Whether anything was typed: a pre-filled field counts only once changed, so Esc on
    /// an untouched update form closes it without asking.
    pub fn has_input(&self) -> bool {
        self.fields.iter().any(|f| match f.original {
            Some(_) => f.changed(),
            None => !f.input.value().trim().is_empty(),
        })
    }

    /// Validates the field being left, then moves (wrapping).
    pub fn move_focus(&mut self, forward: bool) {
        if self.fields.is_empty() {
            return;
        }
        if self.fields[self.focus].validate(self.today) {
            self.apply_rule(Some(self.focus));
        }
        let n = self.fields.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    /// Validates every field; focuses the first bad one.
    pub fn validate_all(&mut self) -> bool {
        let today = self.today;
        self.fields.iter_mut().for_each(|f| {
            f.validate(today);
        });
        self.apply_rule(None);
        match self.fields.iter().position(|f| f.error.is_some()) {
            Some(i) => {
                self.focus = i;
                false
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaving_a_field_validates_it_and_all_are_checked_before_confirming() {
        let mut f = Form::bank_employee();
        f.fields[0].input = Input::new("not-an-email".into());
        f.move_focus(true);
        assert_eq!(f.focus, 1);
        assert!(
            f.fields[0]
                .error
                .as_deref()
                .unwrap()
                .contains("not an email")
        );
        f.move_focus(false);
        f.move_focus(false);
        assert_eq!(f.focus, 2, "Shift-Tab wraps");
        assert!(!f.validate_all());
        assert_eq!(f.focus, 0, "the first bad field gets the focus");
        f.fields[0].input = Input::new("ok@example.com".into());
        assert!(f.validate_all());
        assert_eq!(f.value("Email").as_deref(), Some("ok@example.com"));
        assert_eq!(f.value("First name"), None);
    }
}
