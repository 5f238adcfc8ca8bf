"""kexie plug-in for the academic exchanges of municipal societies (学会学术交流).

Academic exchanges (学术交流活动, clause 5) are a built-in kind of work item, ``academic_exchange``,
with free ``details``. The municipal association installs this plug-in to record them the same
way across the network and to evaluate societies on them:

- a rule (``kexie_validate_record``): an academic exchange names its level (国际、全国、省级、市级、
  县级) and has participants; papers and expert reports, when given, are whole numbers
  (``kexie_society_academic.exchange``);
- metrics: high-level exchanges, papers presented, expert reports, participants per exchange and
  the units holding exchanges, from one shared source (``kexie_society_academic.metrics``).
"""

__version__ = "0.1.0"
