"""Domain events of the forum, sent after the transaction commits.

``thread_changed(thread_id=...)``: a thread or one of its posts changed in a way readers
could notice (new, edited, hidden, restored, moved, merged, solved, official). Search
listens to keep its index right; receivers fetch the thread again by id.
"""

from django.dispatch import Signal

thread_changed = Signal()
