"""Golden outputs: the model's results must not change when the code is restructured (issue 11).

Recorded at commit 85cb472 (before the rules restructure), for every shipped scenario at a fixed
seed and block size: the SHA-256 of ``outcomes.parquet`` (its bytes) and a content fingerprint of it
(one SHA-256 per column, over its values canonicalised by pandas/numpy, so that a change of the
file's encoding or added columns leave it comparable); the same for a small sweep's
``points.parquet``; and the hash of the ``--explain`` text of one world of two scenarios.

If a change of the *encoding* of the tables is intended (another column type, a new column), the
byte hashes are re-recorded and the content fingerprints must still match. A change of the
*content* is a change of the model: it needs its own issue, and the new values are recorded here
with the reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
RUN_ARGS = ["--runs", "400", "--block", "200", "--workers", "1", "--seed", "11", "--quiet"]

# byte hashes of outcomes.parquet (re-record when the file's encoding changes on purpose)
OUTCOMES_BYTES: dict[str, str] = {
    "korean_peninsula_crisis.yaml": "d43528e2645b689e8239d5a5af006a0d4acb40b70ac31f8bbd9e866f1d1a2686",
    "sea_of_japan_incident.yaml": "fd8fb381b46ac40f9e309ff0e536c82510addcd14117f050f3e61abce6cb966b",
    "senkaku_grey_zone.yaml": "ffa56d8b84f1aeabf5c950228e5637a75cc1dd805e36db76fc54af907f349eaa",
    "taiwan_contingency.yaml": "0025feae2bb7c020c5c57548d7f6e37e18bdf16723d4d17c36ec931087f9a7de",
}
# per-column content fingerprints of outcomes.parquet (must not change: the model's results)
OUTCOMES_CONTENT: dict[str, dict[str, str]] = {
    "korean_peninsula_crisis.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "honoured.anzus": "b8a523fc06255a240ad68b9e5bd8f95ab39ba478f2f2728cf5c6139bac3f9d43",
        "honoured.aukus": "716c05cca88b6d0197d8f424bbd0c142c8e8bb6ecbcdbcd5853b7124a36b77b4",
        "honoured.australia_japan_raa": "be9676ca6c6b90889d5a79488c678acac45a8c8559b4c553ef385bf9bbebf046",
        "honoured.dprk_china": "5f2c8caab7afcc1d670c1d20e4e0f09c69db2fe389158277a84e045104ff995e",
        "honoured.eu_japan": "b01765ba3a11518c1975f1113a14ae608439651029c12c1bcd1abc18a31b9ac4",
        "honoured.gcap": "3f027854caa7306c676ef896124c2d94d8b0e39459cf49497693e612c07ba940",
        "honoured.japan_rok": "d6807ec49cbe81ac447b8af37e04a971aca1068a63a415d299c0465635fbd753",
        "honoured.japan_us_collective": "a24d34ee04c1fa7afa75e3e550763a2f51f242f9a747476e0f108929404e74fc",
        "honoured.nato_japan": "7b1469c38bca67a33971744e0c8835af49e9c85d559b8e1bbc826673614996c0",
        "honoured.quad": "e58ec000d1236b18dfa7a7ea0f79f5c1a7baa76dc1631f4d303f1ee2c1371a1e",
        "honoured.russia_china": "03d0890bfa35bf7ae952085b46c491ee9b2fb7ba3919e0374a1e4fd7a2bc5de1",
        "honoured.russia_dprk": "f38ac47315b5934e160ac5eb3aa8284f3a7385967b95162ec53dbdeb60318ef9",
        "honoured.uk_japan_raa": "1b53f40f14667436cb0465a1baa46cf06aca4d89f5d0824df27587d243de7e43",
        "honoured.us_japan": "5b310eeb76dcd685ee45da93094fd8727902626655427d66765d9ba6a5833cef",
        "honoured.us_rok": "c12c76ffde8d5fb15e44bba05ae73865531d5936aef8ebcaff27cbe10a3ca90a",
        "outcome": "20311cd73d1270c3f13aaaf1dd5df70bc084fdda895874ab88641bab7522676c",
        "param.actors.Japan.capability.missile": "1a623ea5c0f7913261a1b42d0c1430a7f2fc3af8fea1cdb5cb4b45f91c4b7272",
        "param.basing_access_0_granted": "a921318bfeaae90ab674226aba06ab3d8617d234d1524d08f8b80387909e0b93",
        "param.injects.island_shelling.probability": "f5de6a163ef09481b0e245fbc0f1c23fdb3a56bf746f03d629a9f56bc463e9df",
        "param.relations.anzus.credibility": "8cdd7a3b0a1379c155e64a9b3e72f7193097890f6b4c79e19ae7a904100c557e",
        "param.relations.dprk_china.credibility": "ad9179ce3f99cdebf688688a8fbe2e121209fc327838e54df68e068b88763235",
        "param.relations.japan_us_collective.credibility": "7e3f84e306cbb74782ae4059359ceae32a65a59c94229722c3e46465be625205",
        "param.relations.nll.stake.NorthKorea": "fe700d54f730144c2942101c46ca0beba462d14981b7978fb8e6b24ac0ae6bcd",
        "param.relations.russia_china.credibility": "80b0aab139309c8bb8f4ea033f89ba73fee44f31f7461ea1fd715e9188e1b57d",
        "param.relations.russia_dprk.credibility": "133ab00006a1d05c525ea1baa029cd6d3250c2f60fd1bebdc94d6ea0cf370ab6",
        "param.relations.us_japan.credibility": "bcc72418fc9aa19e8c5d0f2f6ed1a03a1c0a1b0d5ed0e21442a94ddd76e24a9d",
        "param.relations.us_rok.basing_access": "8c1dc9f5a1c749ce84c36c09716e9ec1aefe32251bff31ba0dc5dc1cc48c762c",
        "param.relations.us_rok.credibility": "0cc612b2b851c3e60f9a8eb7f52231a277cdf0bda26dddbac1e7971599a516f6",
        "param.rules.observation_noise": "0777a711b7e76530fd21e3d8ee7c89d0fb02699aa605ead6d28e98677b15d260",
        "param.rules.temperature": "b81da2e9e99528b8be5c0cd20015e5d007c94284321a68d38912f305364a4cc8",
        "peak.Australia": "1a972d20c0a96315ee0de5f33f03eacc5182256ad98b05ce091979b8a1fb95c8",
        "peak.China": "47a890f765038702903f50a4e8b02b5632bc305db32736d352440adf05db6b90",
        "peak.EU": "326258f48051fad378f78b6d75428d7918c268a797679481564faabf395dd4e4",
        "peak.Japan": "fb9262d94759cdc4ae80086c1f54b5646786dde8db9f5dab381d49e4193b6c20",
        "peak.NATO": "2ad86e85535167e46c9c6473c9ee8e9f381fc1bbedc3a52dd2f32efebe7f2de2",
        "peak.NorthKorea": "d55584dbeb3dc1c333d802b21a440ce0d853f8612f00dc48afb12fd7ffcc075c",
        "peak.Russia": "1d09c74eb6fd0137667e316ad2179a6da60aeebfc4aaf5711bd1ae89e4e85acd",
        "peak.SouthKorea": "7f23756a2d86c7fccf7e95d414024a99b19a559057fce504c38e03f3f9baf874",
        "peak.UK": "3bf1b7577482a934810f4f52e0b2bcf30bd540d51d007106764445ffe9f5a47b",
        "peak.US": "a255e8fb71cd0ec2b14d03d8b640fc97087ff68f5f7270aa9204ded250a0e1f4",
        "replicate": "32728c8322c15215c02a3460f806453901e53e1b0fc21f468592469d7a2b0525",
        "triggered.anzus": "2066e12ed724a21cc3cda2773fa9e0254bb5ab12382efed135c14b9324b01323",
        "triggered.aukus": "93b8dd5793bced38ff1f3eb6d4e0289f7743ef9e14b1b31737a6c982a09fe76f",
        "triggered.australia_japan_raa": "6e9f039c11f4adf8c9dbecad8c2b482674cc6ff4b999f2fe32498bf845307d9a",
        "triggered.dprk_china": "1674226008b23015f64f01ca61da6c70eae7bd7a63240b61a807d44b6ef725cc",
        "triggered.eu_japan": "4dadbb0c2364fcd610ca5c811c398b45d148bd3dddce9efa8e21537073937d22",
        "triggered.gcap": "5c6e6cf2a1a25558484ba15023164777f4ad9fd8409db2bfc045e719a75d524c",
        "triggered.japan_rok": "ea31347fa800c31d0e887a5df1ffb44374dbadf0c6b35d1024151f0b1ac2ff33",
        "triggered.japan_us_collective": "37d0baa514074b5a9897963d182984ad3000f78993d26e0f25d498b82cc6834b",
        "triggered.nato_japan": "c46d499721c3470ab7af5772defe4a1c2100def81ec099c2ce64fce3452fe431",
        "triggered.quad": "8a97bb04b4f7e529205b6d4874e66f92aeb8be961a7b1aa9521e26bd8d9687c0",
        "triggered.russia_china": "3e1eb68cdc9f9ced11c94393dde3bf32bd453c4dd0875695776b48e64dddccb3",
        "triggered.russia_dprk": "06738d32caa4980d4661935d6dcbc352fd32e36762020b492c7c8c7b29a02381",
        "triggered.uk_japan_raa": "aa6cf24d0778fd92a19eb6c81b94bc180db6ad3385e995702c6049f441b73725",
        "triggered.us_japan": "7c0a0c22ef72eaad3895d001c5fd2ba8ad3175e52fe1f33e144f1b43f872c403",
        "triggered.us_rok": "244d7dfb9e0a36e1fbe884bf191784d782cba1b15625f96e628218866ae776fe",
        "turn_ended": "592a392eced0bbd492339ace74226afdd4cd48cc4c2bd999ee46d6b1bc02b432",
    },
    "sea_of_japan_incident.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "honoured.anzus": "e8e95c8e97f6ce8867485a1d12e1b2d5d050b24d2b57920a09404c508b82e8e6",
        "honoured.aukus": "71f0d329e65d4808a76c52b5527d27dab979744d463d93ea129c428c15d383c3",
        "honoured.australia_japan_raa": "66388e4515b5f771b4d0200ac1db45ba889a65168b751bea3d87728263b2de23",
        "honoured.dprk_china": "4cb0722633e2253dd7028768cab2f5e98dd79e9513a0cfb09e528630f439c66b",
        "honoured.eu_japan": "abb330d5df54e8f6305adc4f133c0dd1315ef2b958f86b97ef10f2badb644f21",
        "honoured.gcap": "f9b7dae7f7162f1c8a4043c9ec02b87a07b97656275de888c308238cfd52e2fd",
        "honoured.japan_rok": "8d8011642b96aee836a971a86233fdac1bcb0aa7377afb75d3d22bed171f6cc4",
        "honoured.japan_us_collective": "bd6379034a205e74e1d1f40e0dda7767ab8c8da8e3ce6af2a3e0d474f999b82b",
        "honoured.nato_japan": "28dec00b71435bab1fceed6a72e7c3789ca0b857e8e0dc9f4d01e621084277b0",
        "honoured.quad": "33344f686b3e5ddfa19e05e5f2f86020c72ad1cfa17e258799d6c83dbc3cae8a",
        "honoured.russia_china": "622fb0ce26110444925ce484260cebbeb7a79fe659da4fa795dc3867d1d3c118",
        "honoured.russia_dprk": "043eed3da2a02f3b0b6239f90fa0e3e0b802ad41ca79243cbe97fde81b06a35c",
        "honoured.uk_japan_raa": "fbd6e0911f9566f32d84d1ce42f218b9dfab6c8b5dbc33c505f4e0ee5ed68df7",
        "honoured.us_japan": "c7afb270eb66ad602c067fd5db939909e58febba4a8e90e6bcf865b90a0a01cd",
        "honoured.us_rok": "a548edd9bff64248cd9bef0927d161f8b46a0e04c03b43cd3a44ba0a87085c2e",
        "outcome": "874fcbbad575003297f9d4c66b1b833384cafc7cbd1446c34206fa71e517c16c",
        "param.actors.Japan.capability.missile": "1a623ea5c0f7913261a1b42d0c1430a7f2fc3af8fea1cdb5cb4b45f91c4b7272",
        "param.injects.joint_patrol.probability": "56b235863a049195263e89a6132ea6166eb3a6814938589999937c014190f8ff",
        "param.injects.missile_in_eez.probability": "cfd32f18be3f5444a248cce115548aac0dd19d764a0898bd101616c43acd3bcc",
        "param.relations.anzus.credibility": "c03835e61d717aec52554c971864e274435f8cc873d9b4d69cfcc4d5ddc5a595",
        "param.relations.dprk_china.credibility": "70dcf656a91647078a5046a323c8ce9d6aad3aee2dd3d907b11088b6da1a3431",
        "param.relations.japan_us_collective.credibility": "43a68154b2dd0861f4300de2f93737555d8e2e2d990b36adbadbbb17f585f977",
        "param.relations.russia_china.credibility": "cda1d3fcbcfa4cc6444ada004681f506c813fe989567f0b5a3bf553a05e16d00",
        "param.relations.russia_dprk.credibility": "b117d040a04097ac87a6d999e302a1b330607a63a1a10e9faf9f9ad3606ad71a",
        "param.relations.us_japan.credibility": "7e87a995affba4a0e52beaaaacd1b57988cffde99acd240287f09c654895dbd3",
        "param.relations.us_rok.credibility": "6a2312ea76b17eff1a6ccdceb26c4a009626dec33f5a84d7edeb86c317fc23f7",
        "param.rules.observation_noise": "e2ef1d4d57b694fceec7949fa27932e98b2f93f6b654ad53d5d77e2986b0c0e2",
        "param.rules.temperature": "1c2abe013b881683a6c7524d8451d05f42e5d6b9c9a6e928b4e9f2646796ab5e",
        "peak.Australia": "3ac37647617855f2ec8163fa345e010f7152809f2f8aaa9e3616ea5d7ea6e17b",
        "peak.China": "1296802095eab4202277c8fd1e9a3c63d6f3bea256fd980439e05bdbf7869879",
        "peak.EU": "1712d12f125bb5ebfacb18c75c2cf93fe23139d27f34bf30dc87ccd8a0d4a1f8",
        "peak.Japan": "0beffb89df6f8dfde0b623e06739bd568e40ed86ff762beb1a841937aa1d8234",
        "peak.NATO": "81926e1957acfb70b68ffd83d9bf364bc26da9940f6d11a8064b60c11264b376",
        "peak.NorthKorea": "6e7e60b7643e51be1182c254c32d1b2e01b49d11e12d0d6f53a6a50d17cf6197",
        "peak.Russia": "a5ee5a99143afece3fff50adcf95a5e6c610ad71aa1e416adc51f52e962e3aea",
        "peak.SouthKorea": "2c24b1bfe77c67a9e60cec93574d04db7ca113e964cea3219dcc1274c8b5d6ba",
        "peak.UK": "235af35e548dae9e69bea354844636738134f6990f1eb0a4b842572ea470c917",
        "peak.US": "0791d82172882cb4ac3807f894a94670be703de36bf79e86ba2bb567d9d350f1",
        "replicate": "32728c8322c15215c02a3460f806453901e53e1b0fc21f468592469d7a2b0525",
        "triggered.anzus": "887539e49eef0c7885245bebe4c085380a4cf16d713f0df0cd612bd5e63be0a0",
        "triggered.aukus": "e531b456be80f962f48ddb3d198ffc84531f0cddfcc56b8ec7f97779eed19995",
        "triggered.australia_japan_raa": "916c5489740e3509941f12016db568bda772c923cb47c110fe8b1338f574ba57",
        "triggered.dprk_china": "64818a529e1d4fbf4cc909f1543b44cf5ff72acb261ef0d3b118cd1cdc116932",
        "triggered.eu_japan": "f134eed458349be730dee47390c16bf86a964ce3429a5ad39d61cf2b2477e84a",
        "triggered.gcap": "5e0405e5d347d345f92fc9a9bc06704baa56d66ac40a05d0220ccbd802fbb925",
        "triggered.japan_rok": "a3222a778d5b2906bfeaf2343eed2ddb08c0c7143387cd3c32b5ad39d83d6be3",
        "triggered.japan_us_collective": "d299b5fa552a223c8135a9788637e1e708e422db56822b221f48df2abb1562d8",
        "triggered.nato_japan": "76e8dc8fb5d862b75aa8b850943b0a4f0b1ca26d452d1882d4fcb3ec25b32438",
        "triggered.quad": "72d240982e783d0224a698da0a97f775d7bab4a99c29ec4a36a38e9e60788921",
        "triggered.russia_china": "d9c9c47aa85799a6249f87463025db28e5f6e18bea3980f643053e83ee79cab1",
        "triggered.russia_dprk": "af834e451d8c590bf1a53e3aae51f85f18b4475a2d5746dda7683486abfc5965",
        "triggered.uk_japan_raa": "32773a2c460a344499181752ad4449c4ff6b410e3c8a5688a61dd9e9275a1563",
        "triggered.us_japan": "1a4a9b36f75045949420962dd8d1877d1da06d0d94aad6898b325f5c30f9b240",
        "triggered.us_rok": "d0d4f29af9c90b058fbdb632d86d09b1a69d0dab607dfc5d9b74d214ebda822e",
        "turn_ended": "b337bc29ca145378bab6aa0a05aa102836a40cc02cb16b107f70430afedb6520",
    },
    "senkaku_grey_zone.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "honoured.anzus": "dc73c2710242e4d6ddd1ec0de623517fd7326b27cdc75a972695e7e8e8fd9fda",
        "honoured.aukus": "babf6d89dad20ea48be482125600da9ff7297bb85b36bf36ad0ef9b12a15887a",
        "honoured.australia_japan_raa": "7aa33d0c74fcc4d4f8795e205246913db4892c5f22dd9ccb84fec6280aa15f32",
        "honoured.dprk_china": "97b1f52699ab32c8200fd1d08350aed40abbacbdb9034c4fb7f34397299c35f2",
        "honoured.eu_japan": "48351fdf77177c9d79a2bbdf834866cea6efaf3ab65901448ad5fc131bd42ea6",
        "honoured.gcap": "d67e41645bd8402e1e3113ee528ab0110285a27d3b1a4bd0a8031dcac16cebaa",
        "honoured.japan_india": "527be22b9becec4522c9f04bd644d3ae60b8903e3d227a8c477f7a567727ecb1",
        "honoured.japan_philippines": "9a4c78914798c50478d8a4e68d83c74a521b6b4a2664460c71647f81f8ebcb2a",
        "honoured.japan_us_collective": "955b9eafa0ceedb76088966a31e722e8fae470b4bd938314176e75be7dee2311",
        "honoured.nato_japan": "2de8b9cde13ed1689b0b50260d88f1a6176754758956371bcccf2ab09c41508a",
        "honoured.quad": "457aeffd686a47430bf1d90b1e92e10fb79e72e09415a1080f9aa2544a871a42",
        "honoured.russia_china": "f235220948a398be9403cdecb26669788a4864e616b3b63706fd94586378b839",
        "honoured.russia_dprk": "bd1c0de5dc4e5381018f7fdabf1ae6c2c3e2da89af9c4f90a460db17dd36c8c6",
        "honoured.uk_japan_raa": "f61f7b4a774a1136a31c1d0365772fe3bdf0b49b278968452a543b4e69fedb2b",
        "honoured.us_japan": "f186c3c1da03f735b034e991980febe838da43ee63decfc67a12ce9340164bfb",
        "honoured.us_philippines": "e257b1eab2eb0b71bbd25741418323bcf7aa240089a8ba2328f6c02cbebfad02",
        "honoured.us_taiwan": "744364eb54d6dd03219e17859c47a80998409bbf1d7831acc6c743ea72279ffa",
        "outcome": "e7c3034899984636adc690148b126247db9773d2e75bc244d46ca7a29d1c8d91",
        "param.actors.Japan.capability.missile": "1a623ea5c0f7913261a1b42d0c1430a7f2fc3af8fea1cdb5cb4b45f91c4b7272",
        "param.actors.Japan.domestic_constraint": "87b9f37bfc38895dcd59e385c6e0d6f92707184a8e62291335e29f484e1122ac",
        "param.injects.ccg_seizure.probability": "a27e091a42805e033f2f393b88368869659e1b9341c9f04254a84ca57aba0bbb",
        "param.injects.militia_landing.probability": "605760bc2b0feb46ca372da17be840a93d82c240cddcbdaf36ab1188ee83f713",
        "param.relations.anzus.credibility": "2f2b9445ea385fd94ba6762cced712d2ea157d6e06c0b2c20d8b0f3f20192a05",
        "param.relations.dprk_china.credibility": "382a02efa39ed3280bba18972eae6c72cd7650f3eb013ab84a8ef9a38986ad0e",
        "param.relations.japan_us_collective.credibility": "f3627a442a72d457081024e88c29ff062dc38e0b82bc147202f147884ed29315",
        "param.relations.russia_china.credibility": "48ad6eb16921f160c4d67da5e372edf110874f8c3711c3523c8c6fe4238a93c9",
        "param.relations.russia_dprk.credibility": "7c1d851bfd54c12eddfe6127b1c3f2c2835dbc1e5711a63419a88d2adca2a2e6",
        "param.relations.senkaku.stake.China": "01ee52b46a4514697ef165db305365ca9f27facb20901221cb3fc72ada2b3b3a",
        "param.relations.us_japan.credibility": "c640b20abdeec7be7f1f9ac508f051a874c1a54aa59bd7d3085a7461e2249e6a",
        "param.relations.us_philippines.credibility": "ae21cf602c558880134faace6dfa392df86ca1adfabc1882bfd84d863c443e58",
        "param.relations.us_taiwan.credibility": "f8ea9e741a4c22d9f2736d7dccba171d7bcfec812d06a0190e083143db402ca7",
        "param.rules.observation_noise": "0840db99fd193b0999a12a4508128a40d29a6b98cb5e6765f5ffe0fdfac659c0",
        "param.rules.temperature": "75531431adc62d95b14e32971200ad0aa85d162800af0cdad7aef6c835c0b6a9",
        "peak.Australia": "70d0820b1ca94e5f2180056fd22515ba2717bba27989c1e483998ddcfffcebf7",
        "peak.China": "35536062eacdb6a2ae2a4589ecb4c5492e12b8d9aa56ca4b1d7f00968d0aa1d8",
        "peak.EU": "5210683ae8634dbcfb9e59d68d7bc682869a3b032e05a333b9f39b7eef8daa99",
        "peak.India": "e20b954c8fd5583c6e6e5451b9277e51a406664ab0d8d5c445ca7d379b9f4ba5",
        "peak.Japan": "3f376f0462b3415958fcdc58698c8710a3c7865c1154a172a3722969617918db",
        "peak.NATO": "705fbf1ff3376551ec9a61df54e8fde3a3689e7518ae50c25d53acafc93d6c74",
        "peak.NorthKorea": "005b510f6930d6927cbb98ce12c15cdce33f50445a32e26026be02f9b646e0ad",
        "peak.Philippines": "19e9b5dae371cdcfd8f53b2c0e7a906974f6fe603de4a77d23e0c13eb7f571a7",
        "peak.Russia": "b2e7517bf681e99d045bbe21bb7caf89ec40afebbec2644dd684e4b586e2a7ab",
        "peak.Taiwan": "1c62b0f540675093cd99e5b4ef2271f08fe815a170e7c11379adee28bb91a6b9",
        "peak.UK": "56d3a63b4254f3c34b85c3b90178f8107e798d9022b298901adaf3dc0749284a",
        "peak.US": "99c290613bcd036fec21bdda70b941094025370f618d80dc18173e6ddc64fc4c",
        "replicate": "32728c8322c15215c02a3460f806453901e53e1b0fc21f468592469d7a2b0525",
        "triggered.anzus": "5b0c977b00444c2344dddb982450565e4eaf135c8601cb6b97ab81bb898556b1",
        "triggered.aukus": "35185b6534421887621c2fe6414ad6929da827e5d103a458e2336b981aeda239",
        "triggered.australia_japan_raa": "76b76c424ad33c31baf96103b6d7cc3ec414762f4a0a8d5d8580588f9e0b32df",
        "triggered.dprk_china": "584e2c9220ad9bd70d62c8a7a8044ef15547d3c66cf7f56536ec4047cc85de69",
        "triggered.eu_japan": "674b9c84cdc7cf2c139569d5fa6c3514aa0227ab2745a20244c798772216530b",
        "triggered.gcap": "6beab3e3fde9039a2548a9cf68667ba88594948dde42ac72bc9bf63c23f2204b",
        "triggered.japan_india": "440db70b102ed00f390ce33928b459a4c7a820bbee172933307fc817ec3f016a",
        "triggered.japan_philippines": "3b4f630afb9806583082390a0aa94e635815e9af8de070021bd516d85fef625a",
        "triggered.japan_us_collective": "57777eda9512620d413ef7cab72862bed76e39df4f9e07cade836ba5c25fa82c",
        "triggered.nato_japan": "a41d03d4823a7ec5a4f1201627b274da8bf4098c3adf07b959e21c5e44a9367e",
        "triggered.quad": "c7074221afef612c191418d3b83b1a85c6099ec58364994b33fb8c93c705d6a9",
        "triggered.russia_china": "e26f19fe5875073cdd2844d0a8e5a4ea88965e54cf5eb8f67abb8804c554c49e",
        "triggered.russia_dprk": "81aba187df53c4e3952d62d41e7eb88d6cc0857b571809c5fd3e373093e11b7c",
        "triggered.uk_japan_raa": "caa06d675580e59b0960078bb307ec22d4d9fabe68404d6658b03c9f8f13cade",
        "triggered.us_japan": "fcd074aeadbd826aacd0dc89b8d220568953a0d1246419da07d59c73199b7315",
        "triggered.us_philippines": "8ffe23a40530b681c3fb532e792b091f2a8b9ef3685e22ed053869da2a6d6efa",
        "triggered.us_taiwan": "42bbb02855e1adc9a85dd80bda93c004f2af3c2a176b255b3f696c49d145049a",
        "turn_ended": "5a377332be7a9996d9767a01d472c74015567345f5b4cb378120664610b235fd",
    },
    "taiwan_contingency.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "honoured.anzus": "b5dfa01f4a37709475ba5620f95c1e43ae9d2ae2362eca8b184562f79a2152b0",
        "honoured.aukus": "ed57aedf34b7d44479d1db643146a84a1d8144918328c6e0858570ce32f9b0da",
        "honoured.australia_japan_raa": "bcaeb5d4c79307596b4329986af5885de52a2ae60a4a96ec1ec885a9fa2ac702",
        "honoured.dprk_china": "4849a6d47bacebd7ed986fa37f1070738877ff721fd2c61eb4017c2fc7d15ed6",
        "honoured.eu_japan": "1a43dac932c09d4274ce79b127e2ae41757a7b8f336908616c2621ad257f8b28",
        "honoured.france_japan": "5e544d922d4f5c7ce82417a7a2e935dcd296c0af88dae7d93853a7d4452cfdb4",
        "honoured.gcap": "c9f237520260b25f7d90c97e979e7e3df588fd2c603a52b3023048a68089defe",
        "honoured.japan_india": "6c3fdeecebbda591cf66a220b6faa90f144e8ff6cb249753efbe1bab82e06cb2",
        "honoured.japan_philippines": "bfbff37602156fba6412921feb003b11d3ccbf7e5222ebaaf8c8ecda8b132f18",
        "honoured.japan_rok": "7215dba3f27861ccfe05b3366160dae71aaa5df2614205580b1068bb5cfd00d9",
        "honoured.japan_us_collective": "5aa43c6cdb536f26f45d9d689c7f70555720518ad2ca16f1fca6e945064ca784",
        "honoured.japan_vietnam": "eee4d03a3b762c400cf28d5083267c9fb29d3b6ad3948c019a57bd3df759b61d",
        "honoured.nato_japan": "add001629c6398c99100dd4d85e22670d7489de90c7d75431fa18488995b2e47",
        "honoured.quad": "a3352bd3bc1fc423e8b32616a003f4f71aa19856a349259cdef5658b4d6a658d",
        "honoured.russia_china": "0ad4d1fcb9d220a3e8bc8599d73cbc918775d71ebc22123a9543c64cc3e7a2a2",
        "honoured.russia_dprk": "24de2ac1e988a12cdbbee0bcf9c07febd0558d62a22b5d5309e01025c469a323",
        "honoured.uk_japan_raa": "476e9a37e9f5478b4a8a043e4929f02a119c1c29fb0d7105344d66f0963cd00b",
        "honoured.us_japan": "9d3a3b2edd04fef18d780262b75885683dae0aa6bb572dc900bf35219b571d07",
        "honoured.us_philippines": "e0e1237a816561e9887dc506e216bb3e75ffaad6c30c1a82cf08a304a891b3b8",
        "honoured.us_rok": "2c0d16f9e370ec20376dd4eaa12641beab78957c07dfab6cee45deef11ab9750",
        "honoured.us_taiwan": "bb3184f940a898b22b251c6deef1e6056b3d8b4576d9e813f6c1a9286bb08f04",
        "outcome": "c7b8420eef702ad842fb02c67318e9bbeb20804991adf2b6de18136b798b7a9a",
        "param.actors.Japan.capability.missile": "1a623ea5c0f7913261a1b42d0c1430a7f2fc3af8fea1cdb5cb4b45f91c4b7272",
        "param.basing_access_0_granted": "9089a20056f29c605efb1e7f9946b3745832a441d7f7768278798c93095f1fa0",
        "param.injects.invasion_order.probability": "82110c538ce45e338211557c84880d2c7657c53e641182345f48f677de9c6056",
        "param.injects.quarantine.probability": "f709404ccc9056bc18c1b5dc24188b372dda910828ed19668434fb22f1eac4a7",
        "param.relations.anzus.credibility": "c9c48252ed9a0004ac0341d800969493474cb5a00f49cffa1143cf2c533cb623",
        "param.relations.dprk_china.credibility": "2af0e94099fbf22a2efe8e6276315c638eb1cce445b1c4f538841fe50c78184c",
        "param.relations.japan_us_collective.credibility": "7e3f84e306cbb74782ae4059359ceae32a65a59c94229722c3e46465be625205",
        "param.relations.russia_china.credibility": "c1cef280abd3298dd7b47feccdc646a403d9bb14f3b768ed3663ed4a3bd852e5",
        "param.relations.russia_dprk.credibility": "bd308b479a32dfff5717af450f8bc2253f151b9190c21c0e05846155c9435994",
        "param.relations.taiwan.stake.China": "9f03bec80fbe9e69e6288b28dc93ef7306d7d9e0d050bcced5171099b7dae70a",
        "param.relations.us_japan.credibility": "bcc72418fc9aa19e8c5d0f2f6ed1a03a1c0a1b0d5ed0e21442a94ddd76e24a9d",
        "param.relations.us_philippines.credibility": "8e750f83d1a48e02cc5960fd9184686d5ef76ab8043f6b9bca6d369acf783352",
        "param.relations.us_rok.credibility": "35e200f7afdb930a3b7499486eae627aa921f880088e37903147806c1680e0d4",
        "param.relations.us_taiwan.basing_access": "27e5afff95348f9ae780e95fd754ee9713294360329681265f2cb061ff4a7199",
        "param.relations.us_taiwan.credibility": "4bc128bc9b7dc0fab9a5ab37a81b71181377ffbdeed138adcf3385b8d29bd494",
        "param.rules.observation_noise": "fb9a4a24986a4bf0574d1ca1fea2b08c1b0c1ccdc99b7acfba2fccbc1ed84481",
        "param.rules.temperature": "7c3155362918d8af9cbb066a47a4eb44b1883bd0c0bf058f438bc1f72cc11f7b",
        "peak.Australia": "9674a7e3491252bd9b72e8584e70db1968ad66d5c7f7fe670a72144b7666f07f",
        "peak.China": "7dbd7345d98622bc888a70d8b4be42781dab7d488e1952a3cc8560aaa953790f",
        "peak.EU": "493ff9221f8efd2ed424eaf9302405367833841a269b8ceebd5bfa528f07bf17",
        "peak.France": "d2fad7f36d59dbd681f40c1feabd820ea0129a1ec1b1ae565c0a41c25f781aca",
        "peak.India": "be6a57ba9ea8712999fa11b3881481b8befdb597477f09263a114b6972930890",
        "peak.Italy": "021c49c68917d3b313b1ccacb93663fc77a399efc6524854a3a36c39b8a3c0e8",
        "peak.Japan": "3f31c41c1847bb00eafa5febe721a02d3afe86acce319e71a3b94e4974c10a08",
        "peak.NATO": "2493a61747b44e7adaf3077927decf8aaa12266e4f59326c0fb4d6c62b47a9c6",
        "peak.NorthKorea": "fba2ec23df37526d9a0e974226edeb168975bd0f27e366c44f8ec80377788880",
        "peak.Philippines": "6e6f5658050ae8b10fdb65fd1f60d2a52da44f0a04069ba758a9476c186889d3",
        "peak.Russia": "ced09065eaabfb1efbd12db71af43e0be133007cbb52a742be2c9fc23fa7bc85",
        "peak.SouthKorea": "50d1b1ee2a2838134e47d0c440ed1880f51e8c61909285ef9a00c60efa9b5d52",
        "peak.Taiwan": "17adffe893a26929f4444860c02fc0e602d253b82cb878ebbd7537efe52dc63d",
        "peak.UK": "f6762afaeed3736f7c3983981511b54820e5793c660232142e99e706fedda237",
        "peak.US": "dca34e5ef6d115d1f112937b163eb1436a588087e7b644cbb207eda3d7aa4a60",
        "peak.Vietnam": "9778460d3e4528fc2e57ed27a0910c035f32659296647c4a20be88b144574ca2",
        "replicate": "32728c8322c15215c02a3460f806453901e53e1b0fc21f468592469d7a2b0525",
        "triggered.anzus": "49e3cd02b68b6f5d47e9d2a652adb5aa6f083341eba513e61c55bf173e70c4c7",
        "triggered.aukus": "8500a01734641e1edf4d12b4117971420635b0cf23936a460bbde3fc93eac3a5",
        "triggered.australia_japan_raa": "b6f287a7e0f22924a23397f8a6ad2ca72c1a38860f7b3ce242be23249cec99ba",
        "triggered.dprk_china": "158aece0fd5df5068798bf451da9476d88cc67574370b024785dc977f424b041",
        "triggered.eu_japan": "84d7c56982d7392c346dd63df8f04a7703013835d07975c40533140cd05b72e3",
        "triggered.france_japan": "4c8a614ffb0171ee375694f855c342e0767efa758d4010bcf668d4617ce77f52",
        "triggered.gcap": "d32561f2815eb6d93ba15c6fd1ec64187db80e997e6c9bf90ebb74238468b5ad",
        "triggered.japan_india": "7e14adb9a01a76e252b5c550646ed372b9ae0831ff8ab85137a358103caa888c",
        "triggered.japan_philippines": "ad82e023721f92a24278cb04cefe68b20f7142874cb27ced31206d807f498709",
        "triggered.japan_rok": "3f2156fb234fb0e70e69856e8a4abcbb1aa59ee594b4161236a9b35bf36c5b25",
        "triggered.japan_us_collective": "533d2684da51b3ab7f93e171f730b79ec77b07838124de76b11dda0e07d940df",
        "triggered.japan_vietnam": "ed587964aced37752d39be09df4b6c5abf3e062b1578cb2bcf07a63201586abc",
        "triggered.nato_japan": "2fd7f5deff4acff95bd6d2311ccab309bb6237b8d26f584cbea362a4d91e143d",
        "triggered.quad": "1b59ce79bcb89246a730ce55e36d63f4ef672de5bb1a3961a5203be3a790e8be",
        "triggered.russia_china": "825908230b6249341470105e0c81145dd81144d91d9abc47d4e03ac374f0502f",
        "triggered.russia_dprk": "ca2ab5c9fbe7c1b825c64b81b6f310ae054da455dabe228eaad413a01f622376",
        "triggered.uk_japan_raa": "ef0bcdc9b2cc7f48c8f121e97aaf8d495d47879fe0de5d70163551ef7cdfcc72",
        "triggered.us_japan": "f1e50fdbe138ddd4b239713221b51b0dd0bd3e27c788a45235206577ad5a584a",
        "triggered.us_philippines": "3a40770b0693a7b0c5e0493010114b896069089cac339cf8fe8688393ff16779",
        "triggered.us_rok": "f370b2d108285351ad74d92e7789b167f9c47d9c2739abeb569f4dd47cb62cbc",
        "triggered.us_taiwan": "d86ea9968ea8cb4c7fb78d0bc00d3c3f234c5b0bff918ec3a7c36a3b53422b73",
        "turn_ended": "c10299b9184884202e9e51ef78351dfd1b135f057d972bec959ff7bfd10fe19e",
    },
}
SWEEP_BYTES: str = "2a6ced3bd7f6d0844c511eda85d7c80aad827b1e898ff7effed4f814aaeadd6c"
SWEEP_CONTENT: dict[str, str] = {
    "actors.China.resolve": "102a837ff9cc1a4321ad1096acb6213a7675763d28e85154347fa0501b36a31a",
    "calm.count": "856d253610c4a0a83d1a04d8a16c2dc7990b0d8a2d7e947ce86deb33e12e72bb",
    "calm.hi": "950b42c28616e2e52a20a7d5cbf78f650e2058873faa763fefcf9d2e7db7da42",
    "calm.lo": "9aaac4fa4513c06d05e5d57287f8a19a3a38eae73bdf5b965eff9c880cd0bbc9",
    "calm.share": "623980ae349a2dd31eeea0e7f53e651b7e44586ca703eb473a629e1842b4c5e6",
    "china_attacks_japan.count": "459947b4a9abd8528f9caf88452df6188460ed3df381570be1f276bae828c53d",
    "china_attacks_japan.hi": "49321bf6b8b9b381c728e16df9afbd8747e340b237092ec0568e7ff7d42f8d9e",
    "china_attacks_japan.lo": "ba4c1b20fc71cabdb3d0b17f9e5302eb393b4972613a66d173b0f545acb0113b",
    "china_attacks_japan.share": "6848f19fbbc16ff668d349925fda4fd9cc637c37855b4180f21a7bfe7475ba2c",
    "coercion.count": "7dd423a6b4b45a4da7dd23f8d2c2d953229bfdd72fcb4d586f3587ee935285ce",
    "coercion.hi": "2d13140b946eeb2d38973979ac1578537da65de043f2dd21e3bbbba7ce5a884f",
    "coercion.lo": "5ee954255cb52100cef8754baac3222323c1425610ce15d89a01af928c9f84d7",
    "coercion.share": "3d3261d76ad955685c02c956bc4c5f6430d2cab4470d26f755f606ca614d9ef3",
    "point": "3ca2fa56b750e50128e3992bff86517f00def23f27cb2da49d3f6ff042b7c3d6",
    "relations.us_japan.credibility": "829266c24572c3bedf7c638f9ab1642fa80ec8efd2b04901a0b3273c9761d0ed",
    "us_china_war.count": "349479791257358e0d65fe35ba26273bf074bcc1d8d95057e1b775f16f7a1bf8",
    "us_china_war.hi": "4e1321b67ee6c0fc9b78c3d8733c8541e52f4a9ed2687219652997f1fead7161",
    "us_china_war.lo": "5bbdcc2f83a091a4b7622d221036de08f54647a35cf21630b356d05af331206d",
    "us_china_war.share": "f3fe1ae9cb1704774cdf814bf286e74e9d65a7ebb096417771b6aaf9d65e631c",
}
# --explain text of world 0 (seed 5): scenario -> SHA-256 of stdout
EXPLAIN: dict[str, str] = {
    "senkaku_grey_zone.yaml": "4779dd67f55faf825464bc6528b81b6c499a60ad5736b095b50552fb423ec648",
    "taiwan_contingency.yaml": "d967de365a898465a4872817232134ea70dc5ef050685ad5777417b73493b3ed",
}
EXPLAIN_SCENARIOS = ["senkaku_grey_zone.yaml", "taiwan_contingency.yaml"]


def sha(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_bytes(column: pd.Series) -> bytes:
    """A column's values as bytes that do not depend on how the file stores them: numbers as
    float64 (exact for every int8..int32 and float32 value), booleans as uint8, anything else
    (strings, categories, dictionary columns) as its text joined by NUL."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype=np.uint8).tobytes()
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.to_numpy(dtype=np.float64).tobytes()
    return "\0".join(str(v) for v in column.tolist()).encode()


def content(path: Path) -> dict[str, str]:
    """Per-column SHA-256 of the table's values (columns sorted by name)."""
    df = pd.read_parquet(path)
    return {name: sha(name.encode() + b"\0" + canonical_bytes(df[name])) for name in sorted(df)}


def run_scenario(name: str, out: Path) -> Path:
    """``wargame run`` of a shipped scenario with the golden settings; the outcomes table."""
    assert main(["run", str(ROOT / "scenarios" / name), "--out", str(out), *RUN_ARGS]) == 0
    return out / "outcomes.parquet"


def run_sweep(out: Path) -> Path:
    """``wargame sweep`` of the small test sweep with one worker; its points table."""
    sweep = ROOT / "tests" / "fixtures" / "sweeps" / "small.yaml"
    assert main(["sweep", str(sweep), "--workers", "1", "--out", str(out), "--quiet"]) == 0
    return out / "points.parquet"


def explain_text(name: str) -> str:
    """Stdout of ``wargame run SCENARIO --runs 1 --explain --seed 5``."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(
            ["run", str(ROOT / "scenarios" / name), "--runs", "1", "--explain", "--seed", "5"]
        )
    assert code == 0
    return buf.getvalue()


def assert_content(recorded: dict[str, str], now: dict[str, str], what: str) -> None:
    """Every recorded column is still there with the same values (new columns are allowed)."""
    missing = sorted(set(recorded) - set(now))
    assert not missing, f"{what}: columns gone: {missing}"
    changed = sorted(k for k in recorded if recorded[k] != now[k])
    assert not changed, f"{what}: values changed in columns {changed}"


@pytest.mark.parametrize("name", SCENARIOS)
def test_outcomes_unchanged(name: str, tmp_path: Path) -> None:
    """outcomes.parquet of every shipped scenario: same content (and, until re-recorded, bytes)."""
    table = run_scenario(name, tmp_path / "run")
    assert_content(OUTCOMES_CONTENT[name], content(table), name)
    assert sha(table.read_bytes()) == OUTCOMES_BYTES[name], f"{name}: outcomes.parquet bytes"


def test_sweep_points_unchanged(tmp_path: Path) -> None:
    """points.parquet of the small sweep fixture: same content and bytes."""
    table = run_sweep(tmp_path / "sweep")
    assert_content(SWEEP_CONTENT, content(table), "sweep points")
    assert sha(table.read_bytes()) == SWEEP_BYTES, "points.parquet bytes"


@pytest.mark.parametrize("name", EXPLAIN_SCENARIOS)
def test_explain_unchanged(name: str) -> None:
    """The --explain timeline of one world reads exactly as before."""
    assert sha(explain_text(name).encode()) == EXPLAIN[name]


def record() -> None:  # pragma: no cover - run by hand: python tests/test_golden_outputs.py
    """Print the current values in the form of the constants above."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        byte_hashes, contents = {}, {}
        for name in SCENARIOS:
            table = run_scenario(name, base / name)
            byte_hashes[name] = sha(table.read_bytes())
            contents[name] = content(table)
        points = run_sweep(base / "sweep")
        print("OUTCOMES_BYTES =", byte_hashes)
        print("OUTCOMES_CONTENT =", contents)
        print("SWEEP_BYTES =", repr(sha(points.read_bytes())))
        print("SWEEP_CONTENT =", content(points))
    print("EXPLAIN =", {n: sha(explain_text(n).encode()) for n in EXPLAIN_SCENARIOS})


if __name__ == "__main__":  # pragma: no cover
    record()
