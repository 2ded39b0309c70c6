"""What all actors share in a turn, computed once per turn for every dyad and replicate (R, P).

Each function is one rule family of docs/model.md: perception with noise (fog of war), commitments
(triggers, honouring, graded support), the coalition behind each actor (deterrence and the security
dilemma), threat perception, doctrine masks and the per-dyad terms of the decision. Agents then score
their own candidate moves from these terms (sim/rules/decision.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.rules.compile import LEVEL, SUPPORT_WEIGHT

if TYPE_CHECKING:
    from sim.model import WargameModel

F32 = np.float32


def perceive(m: WargameModel) -> None:
    """Observed rungs: the true rung plus Gaussian noise, one observation per dyad per turn."""
    noise = m.rng.standard_normal(m.rung.shape, dtype=F32)
    m.perceived = m.rung.astype(F32) + m.p_obs_noise[:, None] * noise


def update_commitments(m: WargameModel) -> None:
    """Fire treaty triggers on armed attacks and set each link's graded support level."""
    c = m.c
    if not len(c.link_g):
        return
    fired_now = c.seg_trigger.any(m.rung[:, c.trig_dyad] >= c.trig_rung)
    new = fired_now & ~m.fired & m.alive[:, None]
    m.fired |= new
    m.newly_fired = new
    # support: honoured -> the link's level (combat only where doctrine allows it); not honoured ->
    # a statement; before any trigger, an honoured partner under pressure makes statements.
    level = np.where(m.honoured, c.link_support, LEVEL["statement"]).astype(np.int8)
    combat_barred = m.combat_barred_link()
    rear = np.where(c.rear_area[c.link_g], LEVEL["basing"], LEVEL["intelligence"]).astype(np.int8)
    level = np.where(combat_barred & (level >= LEVEL["combat"]), rear, level)
    incoming = c.seg_src.max(m.rung[:, c.reverse])  # highest rung aimed at each actor (R, N)
    under = incoming[:, c.link_p] >= 2
    pre = np.where(under & m.honoured, LEVEL["statement"], LEVEL["none"]).astype(np.int8)
    m.support = np.where(m.fired, level, pre).astype(np.int8)
    np.maximum(m.support_peak, m.support, out=m.support_peak)


def coalition(m: WargameModel) -> None:
    """Power committed behind each actor as its rivals see it (deterrence), and aligned power (SD)."""
    c = m.c
    n = c.n_actors
    if len(c.link_g):
        gpow = m.power[:, c.link_g] * m.basing_factor
        expected = m.cred * SUPPORT_WEIGHT[c.link_support]  # before a trigger: credibility
        actual = SUPPORT_WEIGHT[m.support]  # after: what the guarantor actually does
        w = (np.where(m.fired, actual, expected) * gpow).astype(F32)
        m.committed = w @ c.link_to_protected
    else:
        m.committed = np.zeros((m.R, n), dtype=F32)
    m.aligned = (m.power @ c.coalition_static.T.astype(F32)).astype(F32)  # sum_k W[j,k] power_k


def static(m: WargameModel) -> None:
    """Per-dyad quantities that change only when an inject adjusts an attribute (cached)."""
    c = m.c
    rules = m.p
    s, d = c.src, c.dst
    m.s_ps, m.s_pd = m.power[:, s], m.power[:, d]
    m.s_inv_pair = (1.0 / (m.s_ps + m.s_pd + 1e-6)).astype(F32)
    m.s_rel = (m.s_pd * m.s_inv_pair).astype(F32)
    m.s_hostile = (0.35 * (m.hostility + m.defend) * m.s_rel).astype(F32)
    m.s_own = (m.s_ps * m.resolve[:, s]).astype(F32)
    m.s_rival = (m.s_pd * m.perceived_resolve).astype(F32)
    m.s_gain = (3.0 * m.resolve[:, s] * m.claim).astype(F32)
    m.s_risk = (rules["cost_scale"][:, None] * (1 - 0.7 * m.risk[:, s])).astype(F32)
    econ = rules["economic_cost"][:, None]
    m.t_blockade = (econ * 0.25 * m.sea_lanes[:, s]).astype(F32)
    m.s_lanes = (0.35 * m.sea_lanes[:, s]).astype(F32)
    m.t_sanctions = (econ * m.dependence).astype(F32)


def threat(m: WargameModel) -> None:
    """Threat of dst to src: rivalry and stakes scaled by dst's relative power, observed hostile
    moves, and the security dilemma (power aligned with dst). Smoothed by ``threat_memory``."""
    c = m.c
    moves = np.clip(m.perceived[:, c.reverse], 0, c.top) * F32(1 / c.top)
    aligned = m.aligned[:, c.dst]
    sd = m.p_security_dilemma[:, None] * aligned / (aligned + m.s_ps + 1e-6)
    # a rival that blockades anyone threatens the sea lanes an exposed actor lives on (seed 000:14)
    blockading = c.seg_src.max(c.flag_blockade[m.rung])[:, c.dst]
    lanes = m.s_lanes * blockading
    theta = m.s_hostile + moves * (0.5 + m.s_rel) + sd + lanes
    theta = (1.0 - np.exp(-np.maximum(theta, 0.0))).astype(F32)  # saturating: threat lies in [0, 1)
    mem = m.p_memory[:, None]
    m.threat = theta if m.threat is None else (mem * m.threat + (1 - mem) * theta).astype(F32)


def masks(m: WargameModel) -> None:
    """Highest rung each dyad may take: ladder top, organisation caps, non-nuclear states,
    Japan's exclusively defence-oriented posture, the Three New Conditions and counterstrike."""
    c = m.c
    attacked = m.rung[:, c.reverse] >= c.first_force  # dst has used force against src
    m.self_defence = attacked
    collective = np.zeros_like(attacked)
    if len(c.oblig_dyad):
        k = c.oblig_link
        ok = m.fired[:, k] & m.honoured[:, k] & (m.rung[:, c.oblig_attack] >= c.first_force)
        g = c.link_g[k]
        mode = c.csd_mode[g]
        survival = m.threat[:, c.oblig_dyad] >= m.survival[:, g]
        ok &= (mode == 0) | ((mode == 1) & survival)
        collective = c.seg_oblig.any(ok)
    m.collective = collective
    do = c.defence_oriented[c.src]
    amax = np.broadcast_to(c.dyad_cap, m.rung.shape).astype(np.int8)
    licensed = attacked | collective
    no_force = do & ~licensed
    amax = np.where(no_force, np.minimum(amax, c.first_force - 1), amax)
    no_home = do & (~attacked | ~c.counterstrike[c.src])
    amax = np.where(no_home, np.minimum(amax, c.first_homeland - 1), amax)
    m.amax = amax.astype(np.int8)


def terms(m: WargameModel) -> None:
    """Per-dyad weights of the utility terms (gain, cost, response, obligation, domestic)."""
    c = m.c
    rules = m.p
    k_d = m.committed[:, c.dst]
    pwin = m.s_own / (m.s_own + m.s_rival + rules["deterrence"][:, None] * k_d + 1e-6)
    m.t_gain = m.s_gain * pwin
    adv = (m.s_pd + k_d) / (m.s_ps + m.s_pd + k_d + 1e-6)
    m.t_cost = m.s_risk * (0.5 + adv)
    # pressure: what the rival is perceived to do to me, or to a partner I have honoured a pledge to
    press = np.clip(m.perceived[:, c.reverse], 0, c.top)
    if len(c.oblig_dyad):
        k = c.oblig_link
        on_partner = np.clip(m.perceived[:, c.oblig_attack], 0, c.top)
        weight = np.where(m.honoured[:, k], F32(1.0), F32(0.3))
        press = np.maximum(press, c.seg_oblig.max(weight * on_partner))
        active = m.fired[:, k] & m.honoured[:, k]
        m.o_level = c.seg_oblig.max((active * m.rung[:, c.oblig_attack]).astype(F32))
    else:
        m.o_level = np.zeros_like(press)
    for b in m.basing_pairs:  # the attacker treats a host granting bases as taking part
        host = b["granted"][:, None] * b["share"] * m.rung[:, b["pairs"][:, 1]].astype(F32)
        press = np.maximum(press, b["segments"].max(host.astype(F32)))
    m.press = press.astype(F32)
    # answering in kind; under armed attack, self-defence is not optional (UN Charter, Art. 51)
    m.t_resp = (
        rules["reciprocity"][:, None] * ((0.3 + m.threat) * 1.6 + 1.5 * m.self_defence)
    ).astype(F32)
    # a state under armed attack has already lost that trade: economic costs no longer hold it back
    peace = (~m.self_defence).astype(F32)
    m.t_blockade_now = m.t_blockade * peace
    m.t_sanctions_now = m.t_sanctions * peace
    m.t_oblig = (rules["obligation"][:, None] * 4.0 * (m.o_level > 0)).astype(F32)
    relax = np.exp(-m.relax * m.max_threat())
    m.t_domestic = (3.0 * m.domestic * relax)[:, c.src].astype(F32)
