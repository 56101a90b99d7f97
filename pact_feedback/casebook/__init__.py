"""Record audits (the casebook instrument): a case report form as data, one form per audited
case, practice reports built from the form's definition, and study-level tables."""
