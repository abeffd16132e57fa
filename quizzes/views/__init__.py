"""The learner's quiz pages, by topic: `intro` (a quiz's page, starting), `taking` (one
question at a time, answering, scenario decisions, reflections, submitting), `breaks`,
and `results`. `slots` and `review` build what a question shows before and after its
feedback may be seen; `common` is what the views share."""
