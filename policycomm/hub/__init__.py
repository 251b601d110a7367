"""The class server: the roster of trainees (:mod:`policycomm.hub.roster`) and ``policycomm hub``."""
