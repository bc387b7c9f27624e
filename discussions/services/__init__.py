"""Writes for discussion channels, one module per sub-domain: `channels` (creating, joining,
membership, read pointers), `messages` (posting, editing, deleting), `reactions`, `moderation`
(reports, hiding, mutes, slow mode), `digest` (notifications of mentions and replies, and their
daily digest mail), `practice` (a thread filed as a practice page) and `questions` (asking,
the solution, offers to help; what replies change on a question is in `question_state`, which
the message and moderation services call); `broadcast` and `moderation_log` are the helpers
they share. Callers import from the submodule that owns the
write.

Every write checks who may do it, because the same functions serve the HTML forms and the
websocket. Broadcasts go out after the transaction commits, so nobody is told about a message
that was rolled back.
"""
