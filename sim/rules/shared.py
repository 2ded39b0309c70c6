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
    hit = m.rung[:, c.trig_dyad] >= c.trig_rung
    fired_now = np.zeros_like(m.fired)
    if hit.size:
        np.logical_or.at(fired_now.T, c.trig_link, hit.T)
    new = fired_now & ~m.fired & m.alive[:, None]
    m.fired |= new
    m.newly_fired = new
    # support: honoured -> the link's level (combat only where doctrine allows it); not honoured ->
    # a statement; before any trigger, an honoured partner under pressure makes statements.
    level = np.where(m.honoured, c.link_support, LEVEL["statement"]).astype(np.int8)
    combat_barred = m.combat_barred_link()
    rear = np.where(c.rear_area[c.link_g], LEVEL["basing"], LEVEL["intelligence"]).astype(np.int8)
    level = np.where(combat_barred & (level >= LEVEL["combat"]), rear, level)
    pressured = (m.rung[:, c.trig_dyad] >= 2).astype(bool)
    under = np.zeros_like(m.fired)
    if pressured.size:
        np.logical_or.at(under.T, c.trig_link, pressured.T)
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
        w = np.where(m.fired, actual, expected) * gpow
        committed = np.zeros((m.R, n), dtype=F32)
        np.add.at(committed.T, c.link_p, w.T)
        m.committed = committed
    else:
        m.committed = np.zeros((m.R, n), dtype=F32)
    m.aligned = (m.power @ c.coalition_static.T.astype(F32)).astype(F32)  # sum_k W[j,k] power_k


def threat(m: WargameModel) -> None:
    """Threat of dst to src: rivalry and stakes scaled by dst's relative power, observed hostile
    moves, and the security dilemma (power aligned with dst). Smoothed by ``threat_memory``."""
    c = m.c
    ps, pd = m.power[:, c.src], m.power[:, c.dst]
    rel = pd / (ps + pd + 1e-6)
    moves = np.clip(m.perceived[:, c.reverse], 0, c.top) / c.top
    sd = m.p_security_dilemma[:, None] * m.aligned[:, c.dst] / (ps + pd + 1e-6)
    theta = (m.hostility + m.defend) * rel + moves * (0.5 + rel) + sd
    theta = np.clip(theta, 0.0, 1.5).astype(F32)
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
        np.logical_or.at(collective.T, c.oblig_dyad, ok.T)
    m.collective = collective
    do = c.defence_oriented[c.src]
    amax = np.broadcast_to(c.max_rung[c.src], m.rung.shape).astype(np.int8)
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
    s, d = c.src, c.dst
    ps, pd = m.power[:, s], m.power[:, d]
    k_d = m.committed[:, d]
    own = ps * m.resolve[:, s]
    rival = pd * m.perceived_resolve + rules["deterrence"][:, None] * k_d
    pwin = own / (own + rival + 1e-6)
    m.t_gain = (3.0 * m.resolve[:, s] * m.claim * pwin).astype(F32)
    adv = (pd + k_d) / (ps + pd + k_d + 1e-6)
    m.t_cost = (rules["cost_scale"][:, None] * (1 - 0.7 * m.risk[:, s]) * (0.5 + adv)).astype(F32)
    econ = rules["economic_cost"][:, None]
    m.t_blockade = (econ * 0.5 * m.sea_lanes[:, s]).astype(F32)
    m.t_sanctions = (econ * m.dependence).astype(F32)
    # pressure: what the rival is perceived to do to me, or to a partner I have honoured a pledge to
    press = np.clip(m.perceived[:, c.reverse], 0, c.top)
    if len(c.oblig_dyad):
        k = c.oblig_link
        on_partner = np.clip(m.perceived[:, c.oblig_attack], 0, c.top)
        weight = np.where(m.honoured[:, k], 1.0, 0.3).astype(F32)
        ext = np.zeros_like(press)
        np.maximum.at(ext.T, c.oblig_dyad, (weight * on_partner).T)
        press = np.maximum(press, ext)
        olevel = np.zeros_like(press)
        active = m.fired[:, k] & m.honoured[:, k]
        np.maximum.at(olevel.T, c.oblig_dyad, (active * m.rung[:, c.oblig_attack]).T.astype(F32))
        m.o_level = olevel
    else:
        m.o_level = np.zeros_like(press)
    for b in m.basing_pairs:  # the attacker treats a host granting bases as taking part
        ah, ga = b["pairs"][:, 0], b["pairs"][:, 1]
        host = b["granted"][:, None] * b["share"] * m.rung[:, ga].astype(F32)
        np.maximum.at(press.T, ah, host.T)
    m.press = press.astype(F32)
    m.t_resp = (rules["reciprocity"][:, None] * (0.3 + m.threat) * 4.0).astype(F32)
    m.t_oblig = (rules["obligation"][:, None] * 4.0 * (m.o_level > 0)).astype(F32)
    relax = np.exp(-m.relax * m.max_threat())
    m.t_domestic = (3.0 * m.domestic * relax)[:, s].astype(F32)
