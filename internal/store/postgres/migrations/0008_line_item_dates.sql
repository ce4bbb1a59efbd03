-- lineItems.assignDate and dueDate are Dates in the CSV binding. REST
-- writes once stored a full date-time there, which the CSV export cut and
-- a dueDate filter missed: keep the date, as REST writes now store it.
UPDATE line_items SET assign_date = substr(assign_date, 1, 10) WHERE length(assign_date) > 10;
UPDATE line_items SET due_date = substr(due_date, 1, 10) WHERE length(due_date) > 10;
