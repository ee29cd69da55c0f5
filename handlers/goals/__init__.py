"""/goals, /goal, /addgoal, /addindicator, /editindicator, /record, /report."""
