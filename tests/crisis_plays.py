"""Plays of the crisis scenario ``sat_lo_dem`` shared by the model, form and grading tests.

Each play is what the form saves (the list of decisions); the points are worked out by hand from the
criteria of ``policycomm/data/crisis_scenarios.yaml``, in its reference variant (the rumour spreads on Facebook);
:func:`strong` is the strong play of any trainee's own variant.
"""
SCENARIO = "sat_lo_dem"
EXERCISE = "m07-cau-8"


def decision(step, message, channels, audience, timing):
    return {"step": step, "message": message, "channels": list(channels), "audience": audience, "timing": timing}


#: loudspeakers and door to door at once, the verified correction on the official page that night, the
#: chairman speaking to the press that morning, the stay-away notice in Dao at a village meeting: 12 / 12
STRONG = [
    decision("canh_bao", "A", ["commune_radio", "door_to_door"], "elderly_rural", "now"),
    decision("tin_don", "A", ["facebook_page", "commune_radio"], "general_public", "now"),
    decision("phong_vien", "A", ["press_release"], "journalists", "today"),
    decision("ve_nha", "A", ["village_meeting", "commune_radio"], "ethnic_mountain", "now"),
]
#: a press conference first and nobody at the doors; silence, refusal, then "go home for your things": 0 / 12
WEAK = [
    decision("canh_bao", "C", ["press_conference"], "journalists", "in_60"),
    decision("mac_ket", "C", ["press_conference"], "journalists", "morning"),
    decision("phong_vien_dong", "C", ["commune_radio"], "journalists", "in_2_days"),
    decision("ve_nha", "B", ["facebook_page"], "general_public", "morning"),
]
#: loudspeakers and door to door, but an hour late (the door-to-door round ends after the slide, so the
#: branch is "people trapped"): 1 + 1 + 1 (message) + 0.5 (audience), not the timing; the rumour answered at
#: once on the hotline only, with the verified text: 1.5 + 0.5 (in every variant); the duty officer talks, a press release the same
#: morning: 1 + 0.5; the right notice, but on Facebook to everyone: 1
MEDIUM = [
    decision("canh_bao", "A", ["commune_radio", "door_to_door"], "affected_groups", "in_60"),
    decision("mac_ket", "A", ["hotline"], "general_public", "now"),
    decision("phong_vien", "B", ["press_release"], "journalists", "today"),
    decision("ve_nha", "A", ["facebook_page"], "general_public", "now"),
]
MEDIUM_POINTS = 3.5 + 2 + 1.5 + 1


def strong(trainee: str) -> list[dict]:
    """STRONG in ``trainee``'s variant: the rumour corrected on the network where it spreads there (12 / 12)."""
    from policycomm.model.scenario import scenario, values_of

    network = values_of(scenario(SCENARIO), trainee)["tin_don"]["kenh"]
    return [STRONG[0], {**STRONG[1], "channels": [network, "commune_radio"]}, *STRONG[2:]]
