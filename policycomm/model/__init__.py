"""The subject model: what policy communication in Viet Nam is made of, as validated data.

- :mod:`.schema`: the shapes of stages, channels, audiences, objectives, sources;
- :mod:`.knowledge`: loading ``policycomm/data/`` (file:line errors) and one cached copy;
- :mod:`.lookup`: lists and look-ups by id;
- :mod:`.choose`: ``recommend`` and ``assess_choice`` (channel choice, with reasons);
- :mod:`.plan`: ``CommunicationPlan`` and its checks;
- :mod:`.optimize`: the best channel mix for a budget;
- :mod:`.crisis`: crisis-communication frameworks and the holding-statement check;
- :mod:`.scenario` and :mod:`.simulation`: crisis simulations as data, and the engine that plays them;
- :mod:`.radio`: word counts and airtime of a commune-radio item;
- :mod:`.topics`: the course's skills and topics, which grade cells name and the class report adds up by.

>>> from policycomm.model import lookup
>>> lookup.channel("commune_radio").two_way
False
"""
