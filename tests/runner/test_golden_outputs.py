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
from helpers import ROOT

from sim.cli import main

SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
RUN_ARGS = ["--runs", "400", "--block", "200", "--workers", "1", "--seed", "11", "--quiet"]

# byte hashes of outcomes.parquet (re-record when the file's encoding changes on purpose)
OUTCOMES_BYTES: dict[str, str] = {
    "korean_peninsula_crisis.yaml": "95ec64bb7d45dcd09a217e1b7c29aef7182dd8f2cb401bba63fa28e775741b78",
    "sea_of_japan_incident.yaml": "e38aa24b62b190fadb8dd928995e366c73f780eee52258e2da12b4f067249088",
    "senkaku_grey_zone.yaml": "2ab0a0d43d0c05663a10693005463b5837ab2c9c3ab1bb8a34c753ffb75741ef",
    "taiwan_contingency.yaml": "a903be8145fba79f3bd0bba47acb3f6956e6a0e84816263b508bc76dcd245e76",
}
# per-column content fingerprints of outcomes.parquet (must not change: the model's results)
OUTCOMES_CONTENT: dict[str, dict[str, str]] = {
    "korean_peninsula_crisis.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "ending": "15b755ff1d147503fe0859ab535900d71d0c75e353f29fd99589c1e889c365a1",
        "ending_turn": "ac1f82cc396988b946dcedda11373113e3a81df2d7bf242714a5acd8b86a84f2",
        "fought.Australia.China": "36fa8c305be5fabadea084ecda0fa01ddb6cf7807d5336f66e71799677ef4620",
        "fought.Australia.NorthKorea": "2b5f4d00deb7e235bc91641c546c1ec9ff61c75a538adcb101350795c242d806",
        "fought.Australia.Russia": "10576fda429516a1a29595bec0fb4f0eb51b91af319d99063de8e4c04d573d34",
        "fought.China.Australia": "35f020966b04cdeb70d489bff931f1ef77c51413fd639003046f23e4ddf25789",
        "fought.China.Japan": "168497f518ce7322b0462ef2f9a94ad40f88d14602af41c28bde77fb4d743695",
        "fought.China.SouthKorea": "dd1c651e1fef12340308fa1e202f7a80c5e03566063ce347701ded6f5d03428a",
        "fought.China.UK": "d453d6ab6014152e74da04a29ea8e0dbbf133ba3a1ecd7b66734e4d9f0fa9409",
        "fought.China.US": "d4c59705699941e1896d5f559dee6d47316c68530d0de0f58409370f2f80dc7f",
        "fought.Japan.China": "73dbf63baa7b370f366b6176fecde8b2151b0d49bce0f23db3a4c391b9ab4081",
        "fought.Japan.NorthKorea": "52f94b8db0a3e6bd5c7a11e17bf09761b9981954db40bd19364c2aabfe7d2c6d",
        "fought.Japan.Russia": "4e41668ed2b0fefd346c45b45ca7db03265246000d896bcf3542a350cde4d76f",
        "fought.Japan.SouthKorea": "85252e1290957545565eac8603816f9ffbadbe2471819137654918533b976d36",
        "fought.NorthKorea.Australia": "8f24f90a720597421cc0e384ff7cbfda3c9d3e327b589e31d666bd08cecf3f15",
        "fought.NorthKorea.Japan": "296a200485d143432880ac6b6de32337eb932a042b1b29b48a3ee9a4448896d8",
        "fought.NorthKorea.SouthKorea": "28642f9003e6b66a333120bff3be3b8761d0dbabbb1e5020c8e384363e4e0c90",
        "fought.NorthKorea.UK": "a23a33a4a881f1f93e067e745486b54a883e9af9c7e08082eadf725ec90b15d4",
        "fought.NorthKorea.US": "03d6772efe586cde7288e9a269f2668607e740ee51653ef049b1f588bcb5e2aa",
        "fought.Russia.Australia": "2c231c7bce47c52ac946e9ea89ffd8b94e5ba7c1dd4f400a9bbb0d7b49eeb234",
        "fought.Russia.Japan": "d5392b901e93ef82864cba93e553ad48dda8a853d5830b9b477219749de0eaa9",
        "fought.Russia.SouthKorea": "a27bceda394c0ba3d029dfbd4c63c171f299ac092ed228fc8e045756e09966ab",
        "fought.Russia.UK": "76f12252aeb97d8d57cbbc8c5df15a418bd2f53c9ccc874b2aa93d7ac2a2cf93",
        "fought.Russia.US": "8384a4e1eed9d5bcc799f822fcec7a8c20befefe07b19654ad82913b39efc35d",
        "fought.SouthKorea.China": "86f014560700f341a41b5b61c02845ffcff0177b4bde9abcfc0619a1acee1a77",
        "fought.SouthKorea.Japan": "aa4e0dca17a48d075a471ef486bf38fbced5b02e032963b079c5e7a69c1c80c4",
        "fought.SouthKorea.NorthKorea": "986012f5e169627e404e8cdc87c06c838cc422db682b46f09595452bacd5b8b5",
        "fought.SouthKorea.Russia": "735a52270720698a81a4845b4b1dfe8aaf9fa147690987923f4acd633d4a30e5",
        "fought.UK.China": "f39cd4d7356bb18b9d80f2e9fbfd23facdafcdbc1d5d375a9f28df6e42fd6c5d",
        "fought.UK.NorthKorea": "ee1dba7dab3c1b06b15efc0afe7e8814a1941030aafd4d9dab53817d15876f5e",
        "fought.UK.Russia": "44e96e2c6e7cf88c8bfda2bd9b3d076d6a6f1375e210217d5a651a7dd1b69d06",
        "fought.US.China": "8891d4061f87b365945ea14d3a6edc3888fad57a5654ef9ff81af8c5d361369e",
        "fought.US.NorthKorea": "f70ff1d68ab66a318207e8a9921b6f4cd1dfca85d31eb94a45723a0675e6f57f",
        "fought.US.Russia": "fbb67761af0de1d12978f286b3eb4be994a5c177aca7160e27e7ab50d5d9e172",
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
        "n_at_war": "dd1aef2387e5cd9625edc5460a7f1d3f71dedaebbc84a4a1e85b739e58e8bda9",
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
        "peak.Australia": "b40480983d0ba9655838956cd213eb571784de831e53905fa6d437e30a1999ab",
        "peak.China": "0cf8d4f54d02944e5c0c8becb825378320c0d53c9fd82308f13b5153cac17e8b",
        "peak.EU": "912fe4da12275f42a9301df9f388f663c03d6bc8cced6414c08bc12f8c5a9a70",
        "peak.Japan": "ae51ec7ed924dcd225d0881382171712b646c156cc61321c0016ed8088391937",
        "peak.NATO": "b84746f28b7aa10ba8f33c98b75bda68b3c348cab22ba352b86ae9669b3cfa6f",
        "peak.NorthKorea": "e162b8e7e03397d3d7ade6baa6c6da86c321d526b675768575b1f8e256015e61",
        "peak.Russia": "f0db7f282508295b801386a206c11dca747addd227a3b9c188f597aaa4597ca8",
        "peak.SouthKorea": "fb3f409e0c181992c7d737a1050694474d0e19a50a807bd8bbc9d17ab52b84b9",
        "peak.UK": "c61f7510055d86c2d271a5d5b514d2d329c4d5d4b49cea1b13eccfdabb33a5ee",
        "peak.US": "1f17b04bedeba0bc5424156e9360270e5e4ee07508a8d203320720109eb6c53f",
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
        "violence": "e6f393635af5cc43f3cdda851a6842ed838c17e661cf6899a19adaac0787b0d9",
    },
    "sea_of_japan_incident.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "ending": "fe98623f9620b4209ee92a9eb7b99feb0e2bda24864c7b18da4f77398a26078e",
        "ending_turn": "a8163dd868b0e47676f1937ebb185aa36c93ef85ae0046a4208bc64893377a3c",
        "fought.Australia.China": "3ccc32170b6dfd8e0e69fe0cf299c6bc4285d1af0065dcc76ecc61f9feda7150",
        "fought.Australia.NorthKorea": "00d6337506050a29af22ee5827a84c58cb83bf05d9e4bbcf2844942803c17a3f",
        "fought.Australia.Russia": "7e9962754102349613e2b257464db0c34d5235dbe1fc2718965c3ec2894d44d1",
        "fought.China.Australia": "5c0b13fcf9acf9d6d76b9d698cfa5c31a0142e7b0db1f0e970468686b448504e",
        "fought.China.Japan": "ddec33c00763fac03f4cf10ab41da409c25aeca5ab32eb80d393e816a3b6be6d",
        "fought.China.SouthKorea": "366c5a3110566865ed678cf4d1ed3173294e96ff0e9834a5bf60b58d3e9a8cbe",
        "fought.China.UK": "187baf309c0f852a8069e2c2a38e16f9854a1b43252b4fcd1845a38ff3914f04",
        "fought.China.US": "0a6d29a1ebc1e4e882337a6d6103a826e27dcfb0b8b56c577f77667d0ad370b9",
        "fought.Japan.China": "a9657c2ccf7ac2f2a0f9dd6a16e3a4c1da58b9258c5533aa8719c3902370f95b",
        "fought.Japan.NorthKorea": "974347cab06c222cbe265af612c99f81ef2ce8689fe60225aaa3f5cb2fabfb4d",
        "fought.Japan.Russia": "3155660b4c5941c4da347b0edf6c997cd7c3ed9857621937000ee5fda4bed49e",
        "fought.Japan.SouthKorea": "85252e1290957545565eac8603816f9ffbadbe2471819137654918533b976d36",
        "fought.NorthKorea.Australia": "1fed825a2729207fd2b04cb43df8d0cd9b9bdd3a7427feacb8c5c32afd51dda6",
        "fought.NorthKorea.Japan": "a8c9e446b3ea1dc8a7ef18df1f0beba7bbe21430fbd813e5cebd0116583bf0fe",
        "fought.NorthKorea.SouthKorea": "0c342bc1b683b30d3b8efd17225a0f7a5a5402e1105d716b2cff42a0f86ee0e3",
        "fought.NorthKorea.UK": "9cda54ac7bf9f136f6eaa8802c2f8ae10bac6331d122618bbdb7019b54691c24",
        "fought.NorthKorea.US": "7c886397619b5d1a027c02088dc8324958a4bf6d99e95b39c31d659bd1c2ecc9",
        "fought.Russia.Australia": "11e82d4ca2c5e17a8261d732f36507304b39799016ccd065366b8dfc4b6e8768",
        "fought.Russia.Japan": "0bdd3070678ff8973469e77b1b546dcbd684623958613b315903de0246b801d1",
        "fought.Russia.SouthKorea": "6d678e7c248a4f6ce98cc9b81d51027d9257c4e0ff533e4ab42774cf15528453",
        "fought.Russia.UK": "a5254c6e67126fb12d7b97efaf1acf19ae26bc45524f6e81349ed664178515ec",
        "fought.Russia.US": "38c2881b667efd087a9080b4168903eb50639152fd81776885be5e25f841ff5a",
        "fought.SouthKorea.China": "5bf54760d96353930b345a846a293f69e5f534884c6639e5198d51c10782f91a",
        "fought.SouthKorea.Japan": "aa4e0dca17a48d075a471ef486bf38fbced5b02e032963b079c5e7a69c1c80c4",
        "fought.SouthKorea.NorthKorea": "3a717c30b1c3c546e8dedc01b8fe70ddc4d73af0fca4921496b342f4476f9b5c",
        "fought.SouthKorea.Russia": "e84d4fa7ea1f382fba01dd9a950639e8ee471c2799743dd4803c3922d89bdce6",
        "fought.UK.China": "b2fb5b2e4b4368dc0ea3611d77cafb1d61c00a8581ea66c4d65bf37e9b7a0783",
        "fought.UK.NorthKorea": "7ff29a5289c2a07aafa3788349f72cb7a4e00c304352b1a9f40851084601c1a8",
        "fought.UK.Russia": "caad9b90d6bc98202c04f16dad5924513dc2e3608e094913013dd6555027dfe5",
        "fought.US.China": "8fee5ff9fd8d649010071f454f6d09a6440ce7575b6306e9d88f4c2824a8ed77",
        "fought.US.NorthKorea": "031652b7a80acac8a0c151acabd223f02c9f2f609407e4d8d2e580ead3348b5d",
        "fought.US.Russia": "0093eca7d09545f56062ee025630549b4cedbb6a99cd25f269ea216b214e89d6",
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
        "n_at_war": "340612e472db763914ba3bec11e5c1108b9bce8b426c82d1c4441351b2571cc7",
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
        "peak.Australia": "69801bd2f933be8f01570a5b7bb240dbffb731163b4cba0fa49a57424fba2789",
        "peak.China": "6b952d63c4bd6c27b784f716d2459d1a64262cd85e991f96b29e39768c9fd544",
        "peak.EU": "c3c3c2eb4ae4ed46654597f7715d79e309aa0d3ef1d0d44f8898161992923d07",
        "peak.Japan": "e9acba7c3da7bf522fe52e81ce8a5387244fd292afca2d111fec8cd021e56562",
        "peak.NATO": "4bd613ff3a83df920b368d2a3261abbf0df74a42a8cbf934effe718082c55315",
        "peak.NorthKorea": "cba140fa7f98f8804f45a9ce40370c8ebd7c5c2115341977a8a4d2b0b30c1cb9",
        "peak.Russia": "cd27771626791c3dd911d9be3042f0fa53b542948ce2a84bc69d4139faf6fb06",
        "peak.SouthKorea": "c84fcf56dd2dc3f33646d2cdc3e6d2d825aabac51897f474691b4ecef46bb50d",
        "peak.UK": "c8be6a1a20bbb90061b02c6b23462b51e7a551d45598d868b743900222e06f11",
        "peak.US": "2eb3c717c10a94a100229d852935ddc63f00fd909737baa311615188310a96d6",
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
        "violence": "c8c5220f71905d000867bb6258fa4866affc7729fe1cc26d76381adaf4107162",
    },
    "senkaku_grey_zone.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "ending": "432c0cbbf54872d8ae9da26f730b492830e19ded42de34c78a181bdc965fd142",
        "ending_turn": "fe3fa0c5ea0ca11450d6b0d8071505e4e24477aa9ffddb12fb03150b10c4c300",
        "fought.Australia.China": "af60538428a23bee6ad5eafdd3b467451faf0de25cfeda2eda0ed01695a86769",
        "fought.Australia.NorthKorea": "b9f9d436a61c97716d55389632acffc0ebf6f154413b8454aef4cc33d807850b",
        "fought.Australia.Russia": "7bdeab6e445413ad777b3d96dd51ad7caf8d0d6be00c313d7456bc3b442131f3",
        "fought.China.Australia": "dd0fa665d47eb98e3f6f56a2ff27be32d043bc07810d5bb3f7868cfa3200b4e8",
        "fought.China.India": "6da13c78f6046960e9f3a16f0d0797bbbe462e563115adfb6d83ac7a149dc7a4",
        "fought.China.Japan": "f056f44c0b3a14e87eeac399052f595c0bea73cd72a3928f6e946417893cd6b1",
        "fought.China.Philippines": "9e18a717d9cc451ad4e13ba428dd040f298056c6803ebc6e1cb2009657c66c37",
        "fought.China.Taiwan": "3476a656a93e4dc35a41132f7cc9d337ffbdd45e5c1a7ad2de727c8331406a80",
        "fought.China.UK": "b0d97136cb1b2ec8978a302fe5e010ceb45b9b1866dcbb5e06f66b05da6c0a30",
        "fought.China.US": "33f555fe885a1c1dbbd2855ebc62e5e50ce4a88eedb7b203b581f5cde4500664",
        "fought.India.China": "c04e9e25162c709603549cd97ee51b6614b4dfea5f20e7192ad6f479475d8846",
        "fought.India.NorthKorea": "6dbdc71def83de0d73df84f6694ca2d654c92cd35b30e5828dc2eadced14c4c0",
        "fought.India.Russia": "49aaf766166718526c2870cd8ea19cbb251e8cb4160474caf6e842d993a61f51",
        "fought.Japan.China": "a8537d18781e2b40541b082ebf82b09015dbd00bde08432380f9caa08044c0cc",
        "fought.Japan.NorthKorea": "b5e886436eb696218519cc7c323fe33a00b4c7c8b95818903cea4b25fc97dd47",
        "fought.Japan.Russia": "fe2452cbe6aa68993885870051010b56b9a17833852883f1bfc8df4eaeafc369",
        "fought.NorthKorea.Australia": "20e1d371273d3e5888c7707694c132c61420cb33020247967a3b1b7693b51a4f",
        "fought.NorthKorea.India": "89cdd3aae9030025dd4d0d62203bb0cc76a49bd89467bd4238069a872a483d12",
        "fought.NorthKorea.Japan": "d621756db65b1de81eebef344ac7fca7582fb04de872ebc78969281cd210712f",
        "fought.NorthKorea.Philippines": "fe7cffd92a06d4a28c1f6ec5163c0557dbeb67cba311eaf9d83edfccb41cbdc3",
        "fought.NorthKorea.UK": "f41ecaab0c2540e1aeef92c56bfaca41f9df3c61c157eeec5f488b07b5864a62",
        "fought.NorthKorea.US": "e468942cf1af0a8b7444349be8f6b81f69a1f79db8e045fe43494713e9ba9514",
        "fought.Philippines.China": "62d12a5fb8d6b602221aa00d79bd317161cadf1691c366114c18b4f05340c9f6",
        "fought.Philippines.NorthKorea": "72b29b50fe9351df2f037dde2558570f5811293a89388683115e680ab35e00e7",
        "fought.Philippines.Russia": "508606213b9ea85d860f6e8545acc89bbd4b92aef3ae05b4bd190f7a7cb4fded",
        "fought.Russia.Australia": "d301fff11e531ac391e94e19840c5a7a1aa5ee892620fc7e02a1f828157b3f9c",
        "fought.Russia.India": "049a1793d1639d0b22ad8e47ccf7dc0681e37a7f6f7610ea816cee667d4b1f12",
        "fought.Russia.Japan": "fbb6fd143d7a2868ca23917cdb070cddff217997436b369dbb8fe18aa9d3ca40",
        "fought.Russia.Philippines": "c0da4afdf86a586e77b9fbcaf8c3f2f43b2e4ba1d4180225efb7723a0d3ce35c",
        "fought.Russia.Taiwan": "afa8df583887462a3e708753a132132b6c9feae95342190245c3556ad6f98333",
        "fought.Russia.UK": "4ad9bb6e2f01fac5dee7211acd351f877e3dc3ecd104f647996c441de0b3482e",
        "fought.Russia.US": "c3c022b96e64a20551659c12f2f837b66fdb4e83b45f7d51c132666e3ef80900",
        "fought.Taiwan.China": "aae4bde67ffc3c45ab292e90683ec2aed9fc20437f7f1ed1dc545ea70edc554f",
        "fought.Taiwan.Russia": "098751fd07b9e898c358889fa2b073f20dd2643548b90be024f7fa051ee21d43",
        "fought.UK.China": "898d66dbec5267387096159b9b1dc9fa1ee136317bdb8ea291198cc9118b45e1",
        "fought.UK.NorthKorea": "64f36da824ada555a644566b48e39d3b946251cbc3ab4c94fc5f1a19ae59e99c",
        "fought.UK.Russia": "13c6788dfa148eb7d1dda8f3cf1faf7a6cb2e92a068e6af064679882cc7ad285",
        "fought.US.China": "b0f5833e35678af40aa9ea297952aef226fe204f0b8e9c7bd4724c73dbb27fa8",
        "fought.US.NorthKorea": "d4d745f170706e98ea04de510cf4244c37ab1f47b74a491a804a8b5ced3e4c3b",
        "fought.US.Russia": "06572ea38131cc1b00f1f7fa113558bd0690b7f3552533e8d3722dc14ac20d05",
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
        "n_at_war": "dba47ea44e6c756be92ca091d2b2f5f7c7ac57327d466b97fc68bee2d6c4a903",
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
        "peak.Australia": "a4a4e589553086ab69c29005dd3aa81aa98fbcce00313af5692842a8a31cfd15",
        "peak.China": "21fb9e0a9477586fc67e41a9f29ad2039c99e0d1c57132c8b9cf381e77b90016",
        "peak.EU": "b3dd35ef7640c4e5afae598e7cc7be8024a63f73c7ac5ec883f36c4c7f8bc04f",
        "peak.India": "cab2511f0e4723d6cd4dd8784cd4210eb2249eace1dae927f2774578ba208d46",
        "peak.Japan": "79bc30bb09af6778d67401032c319ff5f1b916a3db875bf0a4c8e6153ca90b1c",
        "peak.NATO": "a2dd98ea8170a8e3a1ad2aa53e9a2830ceaf12663dab6e8698abc0511eed43ec",
        "peak.NorthKorea": "7a8aebaa0411423ea93775ea46a83700372aa0895425b348c0d74839af14dc1f",
        "peak.Philippines": "3681036292dd75d1b5a797f31e5c5cd2c09ef1f58b14a0148d6170577b77e9fa",
        "peak.Russia": "d69123b2fec10500fc91094c9669f4ba5d954bb0aef73992dc2e2c62a20541c4",
        "peak.Taiwan": "a76290b05d0d60e51c9ec8b5b9571cd31f3b440370c9a1e0618334b87b12abfe",
        "peak.UK": "ceaefa53a647bd9988350b32832bc756e83118f5bca9b9d9bacbfb1059806df1",
        "peak.US": "17dbe35d1d7d1ddf3db30ed211f57a2696f81021d159061b71f06803b78f6d4e",
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
        "violence": "f751594af1dcf12d208d6d0f5b3d5e7c7ac0d2a19cf00d6de1c8c9ea7768e4f5",
    },
    "taiwan_contingency.yaml": {
        "block": "d4cfb5beb867736f1841518533edf051bc52fb127870042802f27da10f634603",
        "ending": "5323cab082180fe6c21673d44402db6cad520e21d17d2810cb2424ae0df48f7d",
        "ending_turn": "c54e87224e69afa6462d6c340a246a87ff63d8499f1b456a2e3eb75ae60edff7",
        "fought.Australia.China": "4b649cc1f9600291e8ab4fc5137a06c2b9f617f96c3212158e42964e8a8fdce2",
        "fought.Australia.NorthKorea": "332251f434044ee0644ed419c0662322a325f59cee20affed2ef71797da9e876",
        "fought.Australia.Russia": "650690ea6c6743a8319c7f65a3aa4a6e226105af5d71fea622fc60f2bfa199d5",
        "fought.China.Australia": "d74f5ef374aa35f70fee4c85ce86082deefb73f0ecd1ffdf8073eb339fe96eb8",
        "fought.China.France": "42f303a88056263ce7b6c37a7d30dbc4a2d966377609ebfd711b6b827b134c5b",
        "fought.China.India": "a7e610e71cd96745d0997996024bc8b23a1bf36ec928ba0290d773fc7db23ac2",
        "fought.China.Japan": "1df50ad7d11c3c7daf59a11d057534495ea6ae5c0091df5f306aca5b4d24aa38",
        "fought.China.Philippines": "4f7b630cd875b657d03c901a0894fc3d8f44b839416b31502e5a4b0cca64f9b0",
        "fought.China.SouthKorea": "e93d75a0ef3b03544e78f0b1f18a019ab738417596ca4e48dd37da03486deb9d",
        "fought.China.Taiwan": "610ea84fc313a2da89c606db62bc528f1cf3533976663ac6ded4930700255cc6",
        "fought.China.UK": "2035ef7f4672ee04b40735f4ef1a6add7f3e76b91ed5cd749a60cef832516bd7",
        "fought.China.US": "54b32344306a124c2bf0e383b6131ab72030a102b2f6816d3af5657aed2e0a9a",
        "fought.China.Vietnam": "b1b9ffa4a1e13a0e55d788ba292497ce91dbddc2e6a1c5c071a28317bc0acd99",
        "fought.France.China": "b981a32562083fc0b92a46c962f860f8f56590a86d806bb271e727246dcbcabb",
        "fought.France.NorthKorea": "6f1bfae9b21a340e475dd432103dca4fcd440d8884fd1fba336831ae62bb1c2d",
        "fought.France.Russia": "989bd24e637db89167956d2b8b1251dad5c888645dcf37b0d976a1d12cc13709",
        "fought.India.China": "249655f40c8646b255dcc55eb679cb09014ec4e06f0fa8ee68d689a05a2531fd",
        "fought.India.NorthKorea": "94723477b62878ae9a1ba1658453f43c364c6fdb3038e20b078858e6442b069c",
        "fought.India.Russia": "55625cfc0b32f3fa258356ce60bba50a87b4116937dd5a9af53242b3612f991b",
        "fought.Japan.China": "2e6a01884264589dfdddd7c3a94824ab461cd6dad1921d954c708c99ffc4a8ec",
        "fought.Japan.NorthKorea": "89386b30890d05b21bd6dc0641f370441ae3aa8b8c4978ea5f186f33e4d3a84e",
        "fought.Japan.Russia": "8a09fa506d6d758e7b0a027bde90d5ca34c697786291e82c7b4160bc11bf361b",
        "fought.Japan.SouthKorea": "85252e1290957545565eac8603816f9ffbadbe2471819137654918533b976d36",
        "fought.NorthKorea.Australia": "7e4d0b36e497bf1a4172971f2822f6f108ec36539b07078c2a3984c8c95ecbb9",
        "fought.NorthKorea.France": "df899cb543ef95adfd0ab1d451a19bd19634fe40a68c34d6070a312cbfdcdab2",
        "fought.NorthKorea.India": "9e6fe28b7e7404af81cfa08ed07424b4a5b1d938b5e1fee2a9a0609b1b6ad239",
        "fought.NorthKorea.Japan": "b70ce0286253e41a4ac399f7c278638fb7b5b8e135447bffdf0b79482ce454e3",
        "fought.NorthKorea.Philippines": "5e34571dc2befa53e10f565a8ef465a3c419d818b2f2798cc50dca8002a7dfe8",
        "fought.NorthKorea.SouthKorea": "8aafe28ac6eccfcef8525a3b74b88cffbea75b3c07fc1417c3b226143ae217e9",
        "fought.NorthKorea.UK": "54778391088a4e57c18d4306e2cc397ac2192a08239c7f0f56f1f4499581749e",
        "fought.NorthKorea.US": "063d0f4abceb57e369d68a9e84950fa71aee27fc12dbfe07d67dbb811ce155f7",
        "fought.Philippines.China": "cd8876869232b305d2d6686cabb404f6be3f721e169207558d3163d0797b2189",
        "fought.Philippines.NorthKorea": "3b38f6243ccb9a9397d1ac4156137857ccb593f1ec3f225a8266de100a977ff5",
        "fought.Philippines.Russia": "f70e793a501e374d46125ccffbbf3347912046496a4ac485c38e709cd724ab0c",
        "fought.Russia.Australia": "07cfdfe04fa129949e167b2f3ba85e6720e51d7277a25acd61c919b2fe690ec3",
        "fought.Russia.France": "a6eb66302bc88a247c426c0e000a25b024b221a06f8c5a654abf0a40aa755002",
        "fought.Russia.India": "a2834cd243ea0788514b9c76e1f2302596c4b55143770b4059c40120a1ed3c1c",
        "fought.Russia.Japan": "f17f4f0f0f7344018f3444d756b92d8adb8206754c8188433d466881e2d0b483",
        "fought.Russia.Philippines": "db1cfb85d23498bbe8a4fcdd8870bfc44e15cb3c4ebb0e0d90bae66d0b86f1c5",
        "fought.Russia.SouthKorea": "31d571aa5cbf11a97792950b1f74c433592fb468eeb96b686f8e0c71b7617f70",
        "fought.Russia.Taiwan": "b19d31b7099524cb8f1dc1d999f933d21e182cb827d63cec9a00348f94e0c8a0",
        "fought.Russia.UK": "14f03e83f558917f4a1ba5b1de212dcf74b5d17367953db2f54393dad0151f0b",
        "fought.Russia.US": "2c73354542c55ecd11bfa1475a31a1524f52220525c01943de83ddf5eef9dd7b",
        "fought.Russia.Vietnam": "7a07c88ae3bef2c836296baf5e4d46043c20ffe85cf4bdd6efe7302cc17bd51e",
        "fought.SouthKorea.China": "0c6236f4a8867c42b0168c287da68d980423d418dcb048058dfe8f72da9de531",
        "fought.SouthKorea.Japan": "aa4e0dca17a48d075a471ef486bf38fbced5b02e032963b079c5e7a69c1c80c4",
        "fought.SouthKorea.NorthKorea": "634cd8d1d7f4493c77998eedf3e31e9f8077bbfc9d115e6f9ccd771fd8d7063e",
        "fought.SouthKorea.Russia": "8d0b890ba5eb0033eddc05f0437aa0ff836aef512e24660a5b2cd3774c6cd039",
        "fought.Taiwan.China": "96dfdab31583d9e2f2b9c9b938e6c2889b830b82a1d5a471cd84d4667f508b80",
        "fought.Taiwan.Russia": "50735a0491ed09a4e1ef167cfe940fc5503eb975e7dbd4a6f16598fde1a59805",
        "fought.UK.China": "2a44fcd2efe3b68298c658bbd202e38923d05a3a385dc816624337dda916ebd5",
        "fought.UK.NorthKorea": "27bebb10663d3461d24095e7e6dc81c5d30e11605dd47abbeeb7e20c52549610",
        "fought.UK.Russia": "be02b8a32983ae1fbc5454a318e9b330f6e123c39c3db394d8453bc0d101dcf1",
        "fought.US.China": "2792eefe56a52b46f25f09debe63fda0f7e57c176994b76beaa2dd8bca2e77c7",
        "fought.US.NorthKorea": "cca4bb92fad386e6fe6ea15635b74d24613620c3c0828730fae8b1b87c80c17f",
        "fought.US.Russia": "7c0f72e59f80de4c3cb3a05c8baa0913256e5b159a0b1986f45002ca354da103",
        "fought.Vietnam.China": "102b4f45101ca3ae478f8a7288b5884dff59756989e1e8b776cf93765d88f50e",
        "fought.Vietnam.Russia": "3609d086f9d6e95d9de33220c196a63b920d85913ddea6b36664dff5e49f1a41",
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
        "n_at_war": "70de6d44c468b13c0c3c50a28b69870ebccc8094a2020ca7c1c7bfbdbb5667d7",
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
        "peak.Australia": "ad601bd48ea65e5d0e6354843f26c3769d263ae66a5d5b66a2d1a8b3f9807807",
        "peak.China": "772617331b0a132e23855cd7bb503674280253ec00167402839f93e677e7dc6c",
        "peak.EU": "39492cc299875b081b2bbb2c611d90736c7915ad95080a04505d6dd30132e781",
        "peak.France": "c55805e0ba55684749d3b3eab84807d94b9d730d2ea1a1a180f0e124362000a8",
        "peak.India": "3ff2f7ef41a8c15cb09fe67b1fda71db99e46182c368dca16a55ab618ad37f0c",
        "peak.Italy": "18fc2c51fd1e2e0985805cf73162235cc61db10b5dcb05336d43d1eb9901a263",
        "peak.Japan": "7ae856fb8c0df486019bb1e92e2cd1510856f2fafc159c0c68a212dd4f33d33c",
        "peak.NATO": "bb6af151ac34dc2f853f622c8753f0ff46bab886f3f1342956edfd68442c9e6d",
        "peak.NorthKorea": "f46a2bcdc045de9f28a5da54ccb09b5f094e1bd616b204d76af1e9e4a2b60c94",
        "peak.Philippines": "5d914db4a7770fc7e5c7f63aa2a4fce4228dac4466634370e312c51de7822137",
        "peak.Russia": "020c0460a8dce537b409cc11541926f429762aaa98fe2e6c395169228f526513",
        "peak.SouthKorea": "f40da9a8d54d8013b623abe40becfc31cede14a47d566d5d52c4103efac692a2",
        "peak.Taiwan": "d1d025f84bc68863541a752a491f9509e2fb356b0a5c1c60611c8210587f38b3",
        "peak.UK": "82901ee310efb65b5bb4035e6be60c3deef4f1c1ddf63b1f29b8a252124602bf",
        "peak.US": "6d13df1c8801ecd79e7fde058b5b906d273a9e648737106adc41eaec5d43f2b6",
        "peak.Vietnam": "55e1036af40c8ec3fc997923c487296c30c8b291324a1b5eb9d21a7ebc66651b",
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
        "violence": "fad0d269451aa6336ac1a6840bd03f5124f1d2895d59e58fd08febe2fa21d1cc",
    },
}
SWEEP_BYTES: str = "d8eadd3a91172d3e02b4f9e561314e8b54269e4db84fca6d1cc1a81eba85e41a"
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


def record() -> None:  # pragma: no cover - run by hand
    """Print the current values in the form of the constants above
    (``PYTHONPATH=.:tests python tests/runner/test_golden_outputs.py``)."""
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
