"""Card families and the rules that read them, on short cards written for these tests (never copies of real cards).

Each case states one rule: a family's marker, or a decision between candidates (a general library against this
model's recipe, training data against an evaluation set, a paper the card asks to cite against a dataset's).
"""

from __future__ import annotations

import pytest
import yaml

from pipeline.extract.card import parse_card
from pipeline.extract.facts import extract
from pipeline.extract.families import CardFamily
from pipeline.extract.model import ModelInput


def facts_of(readme: str, repo_id: str = "someone/model", **inputs) -> dict:
    return extract(ModelInput(repo_id=repo_id, readme=readme, **inputs)).row


def roles(facts: dict) -> dict[str, str]:
    return {link["url"]: link["role"] for link in facts["code_links"]}


def names(facts: dict) -> list[str]:
    return [d["hub_id"] or d["name"] for d in facts["datasets"]]


# ---- the card reader ------------------------------------------------------------------------------------------


def test_reader_keeps_setext_and_html_headings_fields_tables_and_comments():
    card = parse_card(
        "Intro line\n\nOverview\n========\n\nText.\n\nDetails\n-------\n\n<h3>Extra notes</h3>\n\n"
        "* dataset: somecorpus\n- **License:** [MIT](https://example.org/mit)\n\n"
        "| Feature | Description |\n| --- | --- |\n| **Sources** | [A corpus](https://example.org/a) |\n\n"
        "<!-- written by a generator -->\n```bash\npython train.py --epochs 3\n```\n"
    )
    assert [(h.level, h.path) for h in card.headings] == [
        (1, "Overview"), (2, "Overview > Details"), (3, "Overview > Details > Extra notes")]
    fields = {f.key: f.value for f in card.fields}
    assert fields["dataset"] == "somecorpus"
    assert fields["license"] == "[MIT](https://example.org/mit)"
    assert fields["sources"] == "[A corpus](https://example.org/a)"
    assert card.tables[0].header == ["Feature", "Description"]
    assert [text for _, text in card.comments] == ["written by a generator"]
    assert "generator" not in card.body  # comments are blanked in the body, kept apart
    assert [(block.info, block.text.strip()) for block in card.code_blocks] == [("bash", "python train.py --epochs 3")]
    assert card.line_of(card.fields[0].pos) == 13


# ---- families ---------------------------------------------------------------------------------------------------

TRAINER = (
    "---\nlicense: apache-2.0\ntags:\n- generated_from_trainer\n---\n\n<!-- This model card has been generated "
    "automatically according to the information the Trainer had access to. You should probably proofread and "
    "complete it, then remove this comment. -->\n\n# tiny-sentiment\n\nThis model is a fine-tuned version of "
    "[tiny-base-cased](https://huggingface.co/tiny-base-cased) on the glue dataset.\nIt achieves the following "
    "results on the evaluation set:\n- Loss: 0.4\n\n## Training procedure\n\n### Framework versions\n\n"
    "- Transformers 4.30.0\n"
)
SB3 = (
    "# **PPO** Agent playing **CartPole-v1**\nThis is a trained model of a **PPO** agent playing **CartPole-v1**\n"
    "using the [stable-baselines3 library](https://github.com/DLR-RM/stable-baselines3).\n"
)
RL_ZOO = (
    "# **DQN** Agent playing **Pong**\nThis is a trained model of a **DQN** agent playing **Pong**\nusing the "
    "[stable-baselines3 library](https://github.com/DLR-RM/stable-baselines3)\nand the "
    "[RL Zoo](https://github.com/DLR-RM/rl-baselines3-zoo).\n\n## Training (with the RL Zoo)\n```\n"
    "python train.py --algo dqn --env Pong -f logs/\n```\n"
)
CLEANRL = (
    "# (CleanRL) **DQN** Agent Playing **Pong**\n\nThis is a trained model of a DQN agent playing Pong.\n"
    "The model was trained by using [CleanRL](https://github.com/vwxyzjn/cleanrl) and the most up-to-date training "
    "code can be found [here](https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/dqn.py).\n"
)


@pytest.mark.parametrize(
    ("readme", "inputs", "family"),
    [
        (TRAINER, {}, CardFamily.TRAINER),
        ("---\ntags:\n- generated_from_keras_callback\n---\n# k\n", {}, CardFamily.TRAINER),
        ("# Model Trained Using AutoTrain\n\n- Problem type: Binary Classification\n", {}, CardFamily.AUTOTRAIN),
        (SB3, {}, CardFamily.SB3),
        (RL_ZOO, {}, CardFamily.RL_ZOO),
        (CLEANRL, {}, CardFamily.CLEANRL),
        ("A(n) **APPO** model trained on the **doom** environment.\n\nThis model was trained using Sample-Factory "
         "2.0: https://github.com/alex-petrenko/sample-factory.\n", {}, CardFamily.SAMPLE_FACTORY),
        ("# **ppo** Agent playing **Walker**\nThis is a trained model of a **ppo** agent playing **Walker** using the "
         "[Unity ML-Agents Library](https://github.com/Unity-Technologies/ml-agents).\n", {}, CardFamily.ML_AGENTS),
        ("# **Q-Learning** Agent playing **Taxi-v3**\nThis is a trained model of a **Q-Learning** agent playing "
         "**Taxi-v3** .\n", {"tags": ["reinforcement-learning"]}, CardFamily.DEEP_RL_COURSE),
        ("### Teapot Dreambooth model trained by someone with [the training Space](https://huggingface.co/spaces/"
         "someone/dreambooth-training)\n", {}, CardFamily.DREAMBOOTH),
        ("# LoRA text2image fine-tuning - someone/lora\nThese are LoRA adaption weights for a base.\n", {},
         CardFamily.DIFFUSERS_TRAINING),
        ("---\ntags:\n- translation\n---\n### opus-mt-xx-yy\n\n* source languages: xx\n* dataset: opus\n", {},
         CardFamily.OPUS_MT),
        ("# a-minilm\n\nThis is a [sentence-transformers](https://www.SBERT.net) model: It maps sentences to a "
         "384 dimensional dense vector space.\n", {}, CardFamily.SENTENCE_TRANSFORMERS),
        ("# A separation model\n\nBuilt with [SpeechBrain](https://github.com/speechbrain/speechbrain).\n",
         {"library_name": "speechbrain"}, CardFamily.SPEECHBRAIN),
        ("# My vision model\n\nLoad it with `timm`.\n", {"library_name": "timm"}, CardFamily.OTHER),
        ("## ESPnet2 ASR model\n\nThis model was trained by someone using an1 recipe in "
         "[espnet](https://github.com/espnet/espnet/).\n", {}, CardFamily.ESPNET),
        ("# Model card for a-vit\n\nSee [the library](https://github.com/huggingface/pytorch-image-models).\n",
         {"library_name": "timm"}, CardFamily.TIMM),
        ("# pics\n\nAutogenerated by HuggingPics\n", {}, CardFamily.HUGGINGPICS),
        ("# Model Card for Model ID\n\n<!-- Provide a quick summary of what the model is/does. -->\n", {},
         CardFamily.HUB_TEMPLATE),
        ("# My own model\n\nI wrote this card by hand.\n", {}, CardFamily.OTHER),
    ],
)
def test_families_are_recognised_by_their_generators_markers(readme, inputs, family):
    extraction = extract(ModelInput(repo_id="someone/model", readme=readme, **inputs))
    assert extraction.row["card_family"] == family.value
    rows = [row for row in extraction.evidence if row["dimension"] == "card_family"]
    assert len(rows) == (0 if family is CardFamily.OTHER else 1)


# ---- code links -------------------------------------------------------------------------------------------------


def test_a_general_library_is_not_this_models_training_code():
    facts = facts_of(SB3)
    assert roles(facts) == {"https://github.com/DLR-RM/stable-baselines3": "other"}
    assert facts["training_code"] is False


def test_a_training_command_of_this_model_makes_the_rl_zoo_its_training_code():
    assert roles(facts_of(RL_ZOO)) == {"https://github.com/DLR-RM/stable-baselines3": "other",
                                       "https://github.com/DLR-RM/rl-baselines3-zoo": "training"}


def test_a_module_the_training_command_runs_is_training_code_an_argument_is_not():
    card = ("# **PPO** Agent playing **Hopper**\nThis is a trained model of a **PPO** agent playing **Hopper** using "
            "the [stable-baselines3 library](https://github.com/DLR-RM/stable-baselines3).\n\n## Usage\n\n"
            "[RL Zoo](https://github.com/DLR-RM/rl-baselines3-zoo)\n\n```\npython -m rl_zoo3.train --algo ppo --env "
            "Hopper --hf-entity stable-baselines3\n```\n")
    assert roles(facts_of(card)) == {"https://github.com/DLR-RM/stable-baselines3": "other",
                                     "https://github.com/DLR-RM/rl-baselines3-zoo": "training"}


def test_an_rl_cards_own_training_repository_is_training_code():
    facts = facts_of(SB3 + "\nThe training code and configs are at https://github.com/someone/agent-recipes.\n")
    assert roles(facts)["https://github.com/someone/agent-recipes"] == "training"


def test_the_exact_script_is_training_code_the_library_is_not():
    assert roles(facts_of(CLEANRL)) == {"https://github.com/vwxyzjn/cleanrl": "other",
                                        "https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/dqn.py": "training"}


def test_the_library_script_a_model_was_fine_tuned_using_is_its_recipe():
    card = ("# m\n\n### Pixel Gen v1.5 fine-tuned for 10k steps using [the text-to-image script](https://github.com/"
            "someorg/diffusers/blob/main/examples/text_to_image/train_text_to_image.py) upon tiny emoji.\n\n"
            "Built with [diffusers](https://github.com/someorg/diffusers).\n")
    assert roles(facts_of(card)) == {
        "https://github.com/someorg/diffusers/blob/main/examples/text_to_image/train_text_to_image.py": "training",
        "https://github.com/someorg/diffusers": "other",
    }


def test_the_library_script_and_config_that_trained_the_model_are_its_recipe_the_library_and_its_modules_not():
    card = ("# m\n\nInstall [the toolkit](https://github.com/someorg/NeMo) first.\n\n## Training\n\nThese models were "
            "trained with this [example script](https://github.com/someorg/NeMo/blob/main/examples/asr/train_tiny.py) "
            "and this [base config](https://github.com/someorg/NeMo/blob/main/examples/asr/conf/tiny.yaml).\n\n"
            "It was fine-tuned using [the trainer](https://github.com/someorg/transformers/blob/main/src/trainer.py)."
            "\n\nYou can fine-tune it further with [this script]"
            "(https://github.com/someorg/transformers/blob/main/examples/run_tiny.py).\n")
    assert roles(facts_of(card)) == {
        "https://github.com/someorg/NeMo": "other",
        "https://github.com/someorg/NeMo/blob/main/examples/asr/train_tiny.py": "training",
        "https://github.com/someorg/NeMo/blob/main/examples/asr/conf/tiny.yaml": "training",
        "https://github.com/someorg/transformers/blob/main/src/trainer.py": "other",
        "https://github.com/someorg/transformers/blob/main/examples/run_tiny.py": "other",
    }


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("This model was trained by someone using the an4 recipe in [espnet](https://github.com/espnet/espnet/).",
         "training"),
        ("We trained it with [our notebook](https://github.com/someone/notebooks/blob/main/train.ipynb).", "training"),
        ("See the [recipe](https://github.com/k2-fsa/icefall/tree/master/egs/tiny/ASR/conformer) for details.",
         "training"),
        ("Built with [icefall](https://github.com/k2-fsa/icefall/tree/master/egs/tiny/ASR/conformer).", "other"),
        ("The training script will be released soon at [our repo](https://github.com/someone/tiny).", "other"),
        ("It was first released in [this repository](https://github.com/someone/tiny).", "other"),
        ("Training code: https://github.com/someone/recipes", "training"),
        ("- **GitHub:** [someone/tiny](https://github.com/someone/tiny)", "other"),
        ("To learn to train agents, follow the [course](https://github.com/someone/rl-course).", "other"),
        ("You can fine-tune it further with [the examples](https://github.com/someone/examples).", "other"),
        ("Built with the [Foo toolkit](https://github.com/other-org/foo), a general framework.", "other"),
        # the code a project says it is based on is the code its models were trained with
        ("This project is based on the official code of TINY: https://github.com/other-org/tiny", "training"),
        # "pre-trained" in a link's text names weights, not the code that trained them
        ("The weights were downloaded from [Tiny V3 pre-trained](https://github.com/other-org/tiny/blob/main/w.md).",
         "other"),
        ("See the official code of TINY: https://github.com/other-org/tiny", "other"),
    ],
)
def test_code_link_roles(sentence, role):
    facts = facts_of(f"# m\n\n{sentence}\n")
    assert list(roles(facts).values()) == [role]


def test_an_rl_agent_card_names_no_dataset_or_base_in_its_prose():
    facts = facts_of(SB3 + "\nYou might need the commit the agent was trained on: [983cb75](https://github.com/someone/"
                     "rl-impls/tree/983cb75).\nIt is based on the Foo-2 policy.\n")
    assert (names(facts), facts["base_models"]) == ([], [])


PIXEL_GEN_CARD = (
    "# Pixel Gen v2\n\nThe **pixel-gen-2** checkpoint was resumed from v1 and fine-tuned 200k steps at 512x512 on "
    "\"pixgen-aesthetics v2 6+\".\n\n## Limitations and Bias\n\nThe model was trained on a large-scale dataset "
    "[PIX-9B](https://example.org/pix-9b) which contains unsafe material.\n\n## Training\n\n**Training Data**\n"
    "The developers used the following data for training:\n\n- PIX-9B English and subsets thereof\n\n"
    "**Checkpoints**\n\n- `pg-1.ckpt`: 100k steps at 256x256 on [pix2B-en](https://huggingface.co/datasets/someorg/"
    "pix2B-en).\n- `pg-2.ckpt`: 300k steps at 512x512 on \"pixgen-improved-aesthetics\" (a subset of pix2B-en).\n"
)


def test_data_named_under_a_bold_heading_in_quotes_and_not_in_limitations():
    facts = facts_of(PIXEL_GEN_CARD)
    # the quoted subsets each stage of training ran on; the Limitations section's link is no statement of data
    assert names(facts) == ["pixgen-aesthetics v2 6+", "someorg/pix2B-en", "pixgen-improved-aesthetics"]


def test_a_bold_line_can_head_the_training_data():
    facts = facts_of("# m\n\n## Training\n\n**Training Data**\n\n- LAION-9B and subsets thereof\n\n**Hardware**\n\n"
                     "- Trained with 4 GPUs, not on LAION-1B\n")
    assert names(facts) == ["LAION-9B"]


def test_a_corpus_name_gives_way_to_its_hub_dataset_link():
    facts = facts_of("# m\n\n## Training data\n\nThe model was trained on LAION.\n\nThe data: "
                     "https://huggingface.co/datasets/someorg/laion-tiny\n")
    assert names(facts) == ["someorg/laion-tiny"]


def test_a_name_that_links_to_a_hub_dataset_elsewhere_in_the_card_is_that_dataset():
    card = ("---\ndatasets:\n- tiny_papers\n---\n# m\n\nThis checkpoint is fine-tuned on the Tinyarx dataset.\n\n"
            "## Evaluation\n\nIt is evaluated on the [tinyarx dataset](https://huggingface.co/datasets/tiny_papers).\n")
    assert names(facts_of(card)) == ["tiny_papers"]
    assert names(facts_of(card.split("## Evaluation")[0])) == ["tiny_papers", "Tinyarx"]


@pytest.mark.parametrize(
    ("sentence", "datasets"),
    [
        # a benchmark's name (capitalised, a hyphen, a number) that the model was fine-tuned on
        ("TinyVid pre-trained in a self-supervised way and fine-tuned in a supervised way on Tinetics-40.",
         ["Tinetics-40"]),
        ("This model is a fine-tune of [someorg/tiny](https://huggingface.co/someorg/tiny), fine-tuned on SST-9.",
         ["SST-9"]),
        ("TinyVid pre-trained on Tinynet-1k for 800 epochs.", ["Tinynet-1k"]),  # its own pretraining
        ("It uses a backbone pre-trained on Tinynet-1k.", []),  # the pretraining of a base
        ("A tagger pre-trained on CC-9 Welsh texts, derived from [tiny-cy](https://huggingface.co/someorg/tiny-cy).",
         []),
        # "fine-tuned with the X dataset" names it too; the name after "on" when a method comes first
        ("# Question Answering Model Fine-Tuned with TinyQuad Dataset", ["TinyQuad"]),
        ("The encoder was trained with SimTiny on Tinyfar-10 dataset.", ["Tinyfar-10"]),
        ("It was fine-tuned with the largest available speech dataset.", []),
        # a heading made of sentences is no section of uses or results: its data counts
        ("## This is just a test model. Do not use it!\n\nPretraining is done on the "
         "[corpus](https://huggingface.co/datasets/someorg/tiny-corpus).", ["someorg/tiny-corpus"]),
        ("A model fine-tuned on the Robo-E-01 concept with DreamBooth.", []),
        ("This model was trained on GPT-Tiny-125M with a retrieval library.", []),  # a model
        # a shorter name of a configuration already named is that dataset
        ("It was fine-tuned on the TinyVoice-9.0 Welsh dataset, and TinyVoice-9.0 only.", ["TinyVoice-9.0 Welsh"]),
        # a person's Hub page, and whatever a link owns ("[x](...)'s"), is no data
        ("It was trained on 48 images from the author's ([someone](https://huggingface.co/someone))'s photo feed.", []),
        ("It was trained on 48 images from [Tiny Feed](https://example.org/feed)'s archive.", []),
    ],
)
def test_a_numbered_benchmark_name_and_what_a_link_owns(sentence, datasets):
    assert names(facts_of(f"# m\n\n{sentence}\n")) == datasets


def test_a_training_data_table_names_one_source_per_row_but_not_splits_scores_or_variants():
    card = ("# m\n\n## Training data\n\nThe model saw 50 GB of text.\n\n| Source | Size (GB) |\n|---|---|\n"
            "| Tiny blog posts | 40.1 |\n| [Tiny news corpus](https://example.org/news) | 9.0 |\n| Total | 50.1 |\n\n"
            "| Dataset | Accuracy |\n|---|---|\n| Tiny eval set | 0.91 |\n\n"
            "| Model | Training datasets |\n|---|---|\n| tiny-b | Same as tiny-a with more data |\n\n"
            "| Data | @someone |\n|---|---|\n| Tweets kept | 3000 |\n\n"
            "## Evaluation\n\n| Corpus | Tokens |\n|---|---|\n| Tiny held-out corpus | 1M |\n")
    assert names(facts_of(card)) == ["Tiny blog posts", "Tiny news corpus"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a bare repository URL named as a dataset, in a sentence about training (here in Japanese)
        ("このモデルは固有表現データセット(https://github.com/someone/tiny-ner-dataset )を用いてファインチューニングしました。",
         ["someone/tiny-ner-dataset"]),
        # ... but not a downstream evaluation set
        ("Evaluation was done by fine-tuning on [Tiny News](https://github.com/someone/tiny-news-corpus).", []),
        ("We apply [Tiny-Pairs](https://example.org/pairs) dataset (10M) as the pre-training data.", ["Tiny-Pairs"]),
        ("We evaluate on [Tiny-Pairs](https://example.org/pairs) dataset, never trained on it.", []),
        # an organisation's dataset page linked by the dataset's name
        ("The model was trained on the dataset [tinyset](https://huggingface.co/datasets/SomeOrg).", ["SomeOrg/tinyset"]),
        ("The model was trained on [squad](https://huggingface.co/datasets/squad).", ["squad"]),
        # several names for one dataset: "the X dataset" after `org/X_long_name`
        ("---\ndatasets:\n- someorg/TINY_hate_speech\n---\n# m\n\nFine-tuned on the English part of the [TINY dataset]"
         "(https://example.org/paper).", ["someorg/TINY_hate_speech"]),
        # "fine-tuned the [x](...) model on the X dataset": the link inside the sentence is the base, X the data
        ("We fine-tuned the [tiny-enc-large](https://huggingface.co/someorg/tiny-enc-large-v1.1) model on the "
         "TinyQA dataset.", ["TinyQA"]),
        # a Hub model that a model is derived from, after "pretrained on ...", is no data (the treebank is; an
        # underscore inside its name is no emphasis)
        ("This is a tiny model pretrained on old novels for parsing, derived from [tiny-novels](https://huggingface.co"
         "/someorg/tiny-novels) and [UD_Tiny](https://github.com/someorg/UD_Tiny).", ["UD_Tiny"]),
        # a Hub model the training started from, after "trained on [data]", is no data
        ("Tiny-SBERT is a model trained on a [translated version of the TinyNLI dataset](https://huggingface.co/"
         "datasets/someorg/tinynli), starting from [tiny-bert](https://huggingface.co/someorg/tiny-bert).",
         ["someorg/tinynli"]),
        ("- **Pretrain Dataset:** TinyImages-1k", ["TinyImages-1k"]),
        # a list that a line announces as the training data; not one announced as evaluation data
        ("This model was pretrained from scratch on the following corpora\n- MedNotes\n- Clinical trials corpus: notes "
         "from 2020 [ref](https://example.org/t)\n- and a small subset of OldBooks\n\nThe model was evaluated on the "
         "following datasets:\n- TinyEval", ["MedNotes", "Clinical trials corpus", "OldBooks"]),
        # links listed with a Hub dataset link are datasets too; a code link or a paper is not
        ("Fine-tuned on Finnish using the [Tiny Voice](https://huggingface.co/datasets/tiny_voice), [TinySpeech]"
         "(https://example.org/tinyspeech) and [Tiny Talks](https://example.edu/talks).",
         ["tiny_voice", "TinySpeech", "Tiny Talks"]),
        ("It was fine-tuned using the [Tiny Voice](https://huggingface.co/datasets/tiny_voice) and [the recipe]"
         "(https://github.com/someone/recipe), see [the paper](https://arxiv.org/abs/2201.00009).", ["tiny_voice"]),
        # a well-known corpus in another size is another dataset, but not the superset a subset is described by
        ("---\ndatasets:\n- imagenet-1k\n---\n# m\n\n## Training data\n\nFine-tuned on ImageNet-22k and then "
         "ImageNet-1k.", ["imagenet-1k", "ImageNet-22k"]),
        ("---\ndatasets:\n- imagenet-12k\n---\n# m\n\n## Training data\n\nPretrained on ImageNet-12k (a 11821 "
         "class subset of full ImageNet-22k).", ["imagenet-12k"]),
        # plain names that go on after the links of a "trained on" list
        ("Fine-tuned on Bible, [Tiny-Corpus](https://huggingface.co/datasets/tiny_corpus), Wikipedia, news corpora "
         "(Daily Tiny, Tiny Times), and other small sets.",
         ["Bible", "tiny_corpus", "Wikipedia", "Daily Tiny", "Tiny Times"]),
    ],
)
def test_dataset_mentions(body, expected):
    readme = body if body.startswith("---") else f"# m\n\n{body}\n"
    assert names(facts_of(readme)) == expected


NOTEBOOK = "https://colab.research.google.com/github/someone/pix/blob/main/pixel-booth.ipynb"


@pytest.mark.parametrize(
    ("body", "role"),
    [
        (f"Pixel style, trained on the [Pixel Booth by someone]({NOTEBOOK}) notebook.", "training"),
        (f"You can train your own concepts with [the Pixel Booth notebook]({NOTEBOOK}).", "other"),
        ("Please refer to the repo (https://github.com/someone/hpd) for the details about the training.", "training"),
        ("Please refer to the repo (https://github.com/someone/hpd) for more details.", "other"),
        ("For more details, check the fine-tuning and evaluation scripts in the official [GitHub repository]"
         "(https://github.com/someone/hpd).", "training"),
    ],
)
def test_notebooks_trained_on_and_repositories_holding_the_training_details(body, role):
    assert set(roles(facts_of(f"# m\n\n{body}\n")).values()) == {role}


def test_a_general_library_after_trained_on_is_code_not_data():
    facts = facts_of("# m\n\nA tagger trained on [spacy](https://github.com/explosion/spaCy) with our notes.\n")
    assert roles(facts) == {"https://github.com/explosion/spaCy": "other"}
    assert names(facts) == []


def test_a_repository_named_as_a_dataset_is_no_code_unless_it_evaluates():
    trained = facts_of("# m\n\nFine-tuned with the data of https://github.com/someone/tiny-ner-dataset for names.\n")
    evaluated = facts_of("# m\n\nEvaluated by fine-tuning on [Tiny News](https://github.com/someone/tiny-news-corpus).\n")
    assert roles(trained) == {}
    assert roles(evaluated) == {"https://github.com/someone/tiny-news-corpus": "other"}


def test_a_github_repository_named_as_training_data_is_a_dataset_not_code():
    facts = facts_of("# m\n\nThis model was fine-tuned on the [Tiny Reviews dataset](https://github.com/someone/"
                     "tiny-reviews).\n")
    assert facts["code_links"] == []
    assert names(facts) == ["Tiny Reviews dataset"]


def test_a_file_of_the_training_repository_is_part_of_the_recipe():
    facts = facts_of("# m\n\nThis model was trained using [our codebase](https://github.com/someone/trainer).\n\n"
                     "| setting | value |\n| --- | --- |\n| layers | [12](https://github.com/someone/trainer/blob/main/"
                     "model.py#L10) |\n")
    assert set(roles(facts).values()) == {"training"}


def test_the_front_matter_is_read_without_its_model_index():
    front = ("---\nlicense: mit\nmodel-index:\n- name: m\n  results:\n  - task:\n      type: text-classification\n"
             "    metrics:\n    - {type: accuracy, value: 0.9}\n# a comment\n\ndatasets:\n- someorg/tiny\n---\n# m\n")
    card = parse_card(front)
    assert card.metadata == {"license": "mit", "datasets": ["someorg/tiny"]}
    # an anchor defined inside it may be used elsewhere: then the block stays
    anchored = "---\nmodel-index:\n- name: &n tiny\nmodel_name: *n\n---\n"
    assert parse_card(anchored).metadata == {"model-index": [{"name": "tiny"}], "model_name": "tiny"}


def test_a_repeated_front_matter_gives_each_card_its_own_metadata():
    text = "---\nlicense: mit\ntags:\n- a\n- b\nwidget:\n- text: hi\ndate: 2024-01-02\n---\n# m\n"
    first, second = parse_card(text), parse_card(text)
    assert first.metadata == second.metadata == yaml.safe_load(text.split("---\n")[1])
    first.metadata["tags"].append("c")
    first.metadata["widget"][0]["text"] = "changed"
    assert second.metadata["tags"] == ["a", "b"] and second.metadata["widget"] == [{"text": "hi"}]
    assert parse_card(text).metadata["tags"] == ["a", "b"]
    # an invalid one is reported on every card that has it
    broken = "---\nlicense: [mit\n---\n# m\n"
    assert [parse_card(broken).problems[0].split(":")[0] for _ in range(2)] == ["yaml_invalid", "yaml_invalid"]


# ---- base model -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "base"),
    [
        ("This model is a fine-tuned version of [tiny-base-cased](https://huggingface.co/tiny-base-cased) on the "
         "glue dataset.", "tiny-base-cased"),
        ("A [Small Encoder](https://huggingface.co/someorg/small-encoder) fine-tuned on product reviews.",
         "someorg/small-encoder"),
        ("- **Finetuned from model [optional]:** someorg/small-encoder", "someorg/small-encoder"),
        ("### training params\n```json\n{\"pretrained_model_name_or_path\": \"someorg/pixel-gen-1\", "
         "\"max_train_steps\": 100}\n```", "someorg/pixel-gen-1"),
        ("This model is based on Tiny-GPT2-Large finetuned on chat logs.", "Tiny-GPT2-Large"),
        ("This is a Pixel Gen 1.5 model fine-tuned on the teapot concept.", "Pixel Gen 1.5"),
        ("The model is based on the tiny-t5-small architecture.", None),
        # a sentence that opens with "Fine-tuned [x](...)", and "an instance of [x](...)"
        ("Fine-tuned [someorg/tiny-xlsr](https://huggingface.co/someorg/tiny-xlsr) on Finnish using [Tiny Voice]"
         "(https://huggingface.co/datasets/tiny_voice).", "someorg/tiny-xlsr"),
        ("This is an instance of [someorg/TinyChat](https://huggingface.co/someorg/TinyChat) trained on a character.",
         "someorg/TinyChat"),
        # the extractive-QA template's "Language model:" field, by the Hub id a link gives it
        ("**Language model:** 'tiny-roberta-base'", "tiny-roberta-base"),
        ("**Language model:** TinyElectra\n\nWe fine-tuned [the discriminator](https://huggingface.co/someorg/"
         "tinyelectra-base-discriminator) on SQuAD.", "someorg/tinyelectra-base-discriminator"),
        # pretrained from scratch on a corpus: "based on the x model" names its architecture
        ("tiny_legal is based on the `tiny-t5-small` model and was trained on a large corpus of parallel text.", None),
        ("TinyProt is based on the `tiny-t5-3b` model and was pretrained on a large corpus of proteins.", None),
        ("tiny_legal is based on the `tiny-t5-small` model and was fine-tuned on a large corpus of contracts.",
         "tiny-t5-small"),
        ("Tagger was built on top of [TinyT5-v2](https://github.com/someorg/tiny-t5) and comes in two sizes.", "TinyT5-v2"),
        ("This `pixel-2` model is resumed from [pixel-2-base](https://huggingface.co/someorg/pixel-2-base) and "
         "trained for 150k more steps.", "someorg/pixel-2-base"),
        ("- `gen-v1-2.ckpt`: Resumed from `gen-v1-1.ckpt`. 100k steps.", None),
        ("The notes are a corpus based on [Treebank-9](https://example.org/treebank-9).", None),
        ("An [adapter](https://example.org/adapters) for the `tiny-base` model that was trained on a QA set.",
         "tiny-base"),
        ("This card is based on the [Big Model card](https://huggingface.co/someorg/big-model).", None),
        ("It is based on the `tiny-t5-small` model. It has its own SentencePiece vocabulary model.", None),
        ("model = AutoModel.from_pretrained(pretrained_model_name_or_path=\"someone/model\")", None),
        ("Fine Tuned model from [tiny-enc](https://huggingface.co/someorg/tiny-enc?text=hello) on reviews.",
         "someorg/tiny-enc"),
        ("Fine-tune tiny-t5-base model for summarising recipes.", "tiny-t5-base"),
        ("Two models were used:\n\n* Student: `someorg/tiny-student`\n* Teacher: `someorg/big-teacher`",
         "someorg/tiny-student"),
        ("The teacher is a large encoder and the student model is [`someorg/tiny-student`](https://huggingface.co/"
         "someorg/tiny-student).", "someorg/tiny-student"),
        ("The base trained model is a Welsh TinyBERTa. TinyBERTa is small.", "TinyBERTa"),
        ("We use [Tiny Enc](https://huggingface.co/someorg/tiny-enc) as the text encoder and a ViT for images.",
         "someorg/tiny-enc"),
        ("此模型是[小模型](https://huggingface.co/someorg/tiny-enc)的蒸馏版本。", "someorg/tiny-enc"),
        ("This your the Pixel Gen model fine-tuned the teapot concept taught to Pixel Gen with Dreambooth.",
         "Pixel Gen"),
        ("Textual Inversion Embedding by someone For PG 2.x trained on 512px images.", "PG 2.x"),
        ("[Tiny Enc Large](https://huggingface.co/someorg/tiny-enc-large) Tiny Enc Large fine-tuned in Welsh.",
         "someorg/tiny-enc-large"),
        ("This model is the tiny-t5-base model from [a query project](https://github.com/someone/qgen).",
         "tiny-t5-base"),
        ("This model is the fine-tuned model of \"someorg/tiny-enc\" on names.", "someorg/tiny-enc"),
        ("It is based on a fine-tuned Tiny-Enc large model.", "Tiny-Enc large"),
        ("Title: Based on Tiny Model", None),
        # a Hub link behind debris, as a widely cloned card writes it
        ("The **gen-v1-3** checkpoint was initialized with the weights of the [Gen-v1-2](https:/steps/huggingface.co/"
         "someorg/gen-v1-2) checkpoint.", "someorg/gen-v1-2"),
        # a base shaped like a model id before "model finetuned", and one that a card says it is fine-tuned on
        ("This a tiny-base-multilingual-cased model finetuned for rating reviews in four languages.",
         "tiny-base-multilingual-cased"),
        ("This is a seq2seq model fine-tuned on chat logs, from tiny-bart.", None),
        ("It is finetuned on multilingual tinybert model. Training used a learning rate of 2e-5.", "multilingual tinybert"),
        ("Fine-tuned on Multilingual Pretrained Model [TINY-23](https://example.org/tiny-23).", None),
        ("The model was fine-tuned on the Tiny Reviews dataset for two epochs.", None),
        # a cut-down copy of a model: its weights, reduced
        ("We are sharing smaller versions of [tiny-multi-cased](https://huggingface.co/tiny-multi-cased) that "
         "handle fewer languages.\n\nUnlike [tiny-distil-cased](https://huggingface.co/tiny-distil-cased), they give "
         "the same outputs.", "tiny-multi-cased"),
        # a converted copy keeps the original's card, and its lineage
        ("The **gen-v1-3** checkpoint was initialized with the weights of the [Gen-v1-2](https://huggingface.co/"
         "someorg/gen-v1-2) checkpoint.\n\nThese weights here have been converted to Core ML.", None),
    ],
)
def test_base_model_candidates(body, base):
    facts = facts_of(f"# m\n\n{body}\n")
    assert (facts["base_models"][0] if facts["base_models"] else None) == base


SPACY_PIPELINE = (
    "# m\n\n| Feature | Description |\n| --- | --- |\n| **Name** | `xx_tiny_trf` |\n| **spaCy** | `>=3.5.0` |\n"
    "| **Sources** | [Tiny Treebank v1.0](https://example.org/tt) (Some Authors)<br />[Tree Conversion Tool]"
    "(https://github.com/someone/conv) (A Lab)<br />[tiny-roberta-base](https://github.com/someone/tiny) (Authors)"
    "<br />[Tiny lookups data](https://github.com/someone/lookups)<br />[Tiny-Synth (abcdef12)](https://example.org/s)"
    " |\n| **License** | `MIT` |\n\nThe NER data is also on the Hub: https://huggingface.co/datasets/someorg/Tiny-Synth\n"
)


def test_a_spacy_pipeline_reads_its_sources_row_as_corpora_and_the_transformer():
    facts = facts_of(SPACY_PIPELINE)
    assert facts["card_family"] == "spacy"
    # tools and lookup tables are no corpora; a Hub id found later replaces the name it is known by
    assert names(facts) == ["Tiny Treebank v1.0", "someorg/Tiny-Synth"]
    assert facts["base_models"] == ["tiny-roberta-base"]


def test_a_spacy_transformer_linked_on_the_hub_is_named_by_its_hub_id_and_a_space_is_no_source():
    row = ("| **Sources** | [Tiny Corpus](https://example.org/c)<br />[tiny encoder](https://huggingface.co/SomeOrg/"
           "tiny-encoder-base) model<br />[Tiny Demo](https://huggingface.co/spaces/someone/demo)<br />"
           "[tiny word vectors](https://huggingface.co/someorg/tiny_vectors_lg) |")
    sources = next(line for line in SPACY_PIPELINE.split("\n") if line.startswith("| **Sources**"))
    facts = facts_of(SPACY_PIPELINE.replace(sources, row))
    assert names(facts) == ["Tiny Corpus", "someorg/Tiny-Synth"]
    assert facts["base_models"] == ["SomeOrg/tiny-encoder-base"]


def test_declared_base_model_wins_over_prose():
    facts = facts_of("---\nbase_model: someorg/declared\n---\n# m\n\nBased on [x](https://huggingface.co/other/x).\n")
    assert facts["base_models"] == ["someorg/declared"]


# ---- datasets ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("readme", "expected"),
    [
        (TRAINER, ["glue"]),
        ("# m\n\nThis model is a fine-tuned version of [b](https://huggingface.co/b) on the None dataset.\n", []),
        ("# m\n\nThis model is a fine-tuned version of [b](https://huggingface.co/b) on an unknown dataset.\n", []),
        ("---\ndatasets:\n- wmt16\n---\n# m\n\nThis model is a fine-tuned version of [b](https://huggingface.co/b) "
         "on the wmt16 ro-en dataset.\n", ["wmt16"]),
        ("### opus-mt-xx-yy\n\n* dataset: opus\n* model: transformer-align\n", ["opus"]),
        ("# m\n\n## Training data\n\n- [Northern News Archive 2001-2010](https://example.org/archive)\n"
         "- [Forum Sentences Corpus](https://example.org/forum)\n", ["Northern News Archive 2001-2010",
                                                                    "Forum Sentences Corpus"]),
        ("# m\n\nYou can build your own, for instance from [a big corpus](https://huggingface.co/datasets/o/big).\n",
         []),
        ("# m\n\n## Evaluation\n\nWe evaluated on [a test set](https://huggingface.co/datasets/o/test).\n", []),
        ("# m\n\nWe fine-tuned a speech base checkpoint pre-trained on LibriSpeech with our own recordings.\n", []),
        ("---\ndatasets:\n- custom\n---\n# m\n", []),
        ("---\ndatasets:\n- alpha beta gamma\n---\n# m\n", ["alpha", "beta", "gamma"]),
        ("# m\n\nThis model was fine-tuned on Scripture, JW300 + [Radio News](https://example.org/radio).\n",
         ["Radio News", "Scripture", "JW300"]),
    ],
)
def test_dataset_candidates(readme, expected):
    assert sorted(names(facts_of(readme))) == sorted(expected)


# ---- papers -----------------------------------------------------------------------------------------------------

BIBTEX_OWN = ("## Citation\n\nPlease cite the following paper when using this model.\n\n```bibtex\n"
              "@inproceedings{someone2022tiny,\n  title = {Tiny Taggers for a Corpus of Notes},\n"
              "  url = {https://aclanthology.org/2022.example-1.1}\n}\n```\n")
BIBTEX_DATASET = ("## Citation\n\nTo cite the instruction dataset used for this model:\n\n```\n@article{other2023data,\n"
                  "  title={Chat Data},\n  journal={arXiv preprint arXiv:2301.00001}\n}\n```\n")
BIBTEX_TOOLKIT = ("# Citing ToolKit\n\nPlease, cite SpeechBrain if you use it.\n\n```bibtex\n@misc{speechbrain,\n"
                  "  title={A toolkit},\n  eprint={2106.00001},\n  archivePrefix={arXiv}\n}\n```\n")


@pytest.mark.parametrize(
    ("body", "papers", "inputs"),
    [
        (BIBTEX_OWN, ["https://aclanthology.org/2022.example-1.1"], {}),
        (BIBTEX_DATASET, [], {}),
        (BIBTEX_TOOLKIT, [], {}),
        ("## Citation\n\nTo cite this model, use\n```bibtex\n@software{m,\n  doi = {10.5281/zenodo.1},\n"
         "  url = {https://doi.org/10.5281/zenodo.1}\n}\n```\n", [], {}),
        ("Tiny was introduced in the paper [Tiny Models](https://arxiv.org/abs/2201.00001).", ["arxiv:2201.00001"], {}),
        ("Tiny was introduced in the paper [Tiny Models](https://arxiv.org/abs/2201.00001).", [],
         {"tags": ["base_model:someorg/tiny"]}),
        ("* Publications: [Open translation](https://aclanthology.org/2020.example-1.61/) (Please, cite if you use "
         "this model.)", ["https://aclanthology.org/2020.example-1.61"], {}),
        ("Paper coming soon. See [a related paper](https://arxiv.org/abs/2201.00002).", [], {}),
        ("The architecture follows [this paper](https://arxiv.org/abs/2201.00003).", [], {}),
        ("The architecture and the results of Tiny are in our workshop [paper](https://arxiv.org/abs/2201.00004).",
         ["arxiv:2201.00004"], {}),
        ("Tiny's architecture is described in [our paper](https://arxiv.org/abs/2201.00005).", ["arxiv:2201.00005"],
         {}),
        ("Our paper will be released soon; until then see [our paper](https://arxiv.org/abs/2201.00006).", [], {}),
        ("## References\n\nA. Writer: [Tagging old texts](http://hdl.handle.net/1234/5678), a workshop, pp. 1-9.",
         ["http://hdl.handle.net/1234/5678"], {}),
        ("The corpus record is at [the archive](http://hdl.handle.net/1234/9999).", [], {}),
    ],
)
def test_paper_candidates(body, papers, inputs):
    assert facts_of(f"# m\n\n{body}\n", **inputs)["papers"] == papers


@pytest.mark.parametrize(
    ("repo_id", "papers"),
    [
        ("someorg/tinybert-finnish", []),  # the architecture's sentence copied onto a card of a new pretraining
        ("someorg/tinybert-base", ["arxiv:2201.00007"]),  # the card of TinyBERT itself: a size word ends its name
        ("someorg/tinybert", ["arxiv:2201.00007"]),
    ],
)
def test_this_paper_that_introduced_another_model_is_its_architectures(repo_id, papers):
    card = "# m\n\nPretrained TinyBERT model on Finnish. TinyBERT was introduced in [this paper](https://arxiv.org/abs/2201.00007).\n"
    assert facts_of(card, repo_id=repo_id)["papers"] == papers
    it = "# m\n\nPretrained model on Finnish. It was introduced in [this paper](https://arxiv.org/abs/2201.00007).\n"
    assert facts_of(it, repo_id=repo_id)["papers"] == ["arxiv:2201.00007"]


TIMM_CITATION = ("\n\n## Citation\n```bibtex\n@article{tiny2023,\n  title={TinyNeXt},\n  journal={arXiv preprint "
                 "arXiv:2301.00010},\n  year={2023}\n}\n```\n")


@pytest.mark.parametrize(
    ("original", "papers"),
    [
        ("https://github.com/someorg/TinyNeXt", ["arxiv:2301.00010"]),  # the paper authors' weights
        ("https://github.com/huggingface/pytorch-image-models", []),  # trained anew in timm: the architecture's
    ],
)
def test_a_timm_card_cites_its_own_paper_only_for_the_authors_weights(original, papers):
    card = ("---\nlibrary_name: timm\n---\n# Model card for tinynext.a1\n\n## Model Details\n- **Papers:**\n  - "
            f"TinyNeXt: https://arxiv.org/abs/2301.00010\n- **Original:** {original}\n" + TIMM_CITATION)
    facts = facts_of(card)
    assert facts["card_family"] == "timm"
    assert facts["papers"] == papers


def test_our_paper_on_a_journals_site_and_the_url_of_the_cited_bibtex_entry_are_papers():
    card = ("# m\n\n## Citing information\n\nIf you use this model, please cite our [paper](https://journal.example.org/"
            "article/view/61):\n\n```\n@article{tiny22,\n  title = {Tiny},\n  biburl = {https://dblp.example.org/rec/x.bib},"
            "\n  url = {https://repository.example.edu/handle/2117/61}\n}\n```\n\nThe model sees [a paper's site]"
            "(https://journal.example.org/article/view/62) too.\n")
    assert facts_of(card)["papers"] == ["https://journal.example.org/article/view/61",
                                        "https://repository.example.edu/handle/2117/61"]


def test_bibtex_outside_a_fenced_block_is_a_citation_and_its_title_finds_the_link_it_omits():
    # An entry in an HTML <pre> block, asked for after "please cite our papers", gives its url.
    pre = ("# m\n\nIf you use this model, please cite our papers:\n<pre>\n@inproceedings{tiny22,\n  title = {Tiny "
           "Alignment},\n  url = {https://aclanthology.org/2022.tiny-1.1}\n}\n</pre>\n")
    assert facts_of(pre)["papers"] == ["https://aclanthology.org/2022.tiny-1.1"]
    # An entry indented under "Cite as:" names a title only; the card's link whose words are in it is the paper.
    indented = ("# m\n\n- **Model Description:** It is a [Sparse Tiny Model](https://arxiv.org/abs/2301.00011) that "
                "uses a frozen text encoder.\n- **Cite as:**\n\n      @InProceedings{tiny23,\n          title = {Fast "
                "Image Synthesis With Sparse Tiny Models},\n          year = {2023}\n      }\n\nSee also [Other "
                "Work](https://arxiv.org/abs/2301.00012).\n")
    assert facts_of(indented)["papers"] == ["arxiv:2301.00011"]
    # Without the cited entry, the architecture's link stays background.
    assert facts_of(indented.split("- **Cite as:**")[0])["papers"] == []


@pytest.mark.parametrize(
    ("body", "papers"),
    [
        # the author's thesis, as a PDF
        ("A tiny model trained on contracts. The thesis can be downloaded [here](https://uni.example.edu/thesis.pdf).",
         ["https://uni.example.edu/thesis.pdf"]),
        # "cite the following paper ... [X](...)" asks to cite it ("following the paper" would be someone else's)
        ("Please cite the following paper if you are using [TinyBERT](https://arxiv.org/abs/2001.00002) in research.",
         ["arxiv:2001.00002"]),
        ("We trained this model following the recipe in the [Tiny paper](https://arxiv.org/abs/2001.00003).", []),
        # a link named for a model and followed by "model" is an architecture, even in "our work"
        ("In our work, we have trained the [BigTiny](https://arxiv.org/abs/2001.00004) model for Welsh.", []),
        # "based on ... described in [X]": the architecture's paper
        ("Here we describe tiny-bangla, a language model based on masked language modelling described in "
         "[TINY](https://arxiv.org/abs/2001.00005).", []),
    ],
)
def test_a_thesis_a_cited_following_paper_and_papers_of_architectures(body, papers):
    assert facts_of(f"# m\n\n{body}\n")["papers"] == papers


@pytest.mark.parametrize(
    ("body", "papers"),
    [
        # "the original paper": the base's, the architecture's or the dataset's
        ("For a detailed description, please refer to the original paper [TINY: Pre-training Tiny Encoders]"
         "(https://openreview.net/pdf?id=tiny1).", []),
        ("It slightly outperforms the results reported in the original paper: [Tiny-MS: Summaries of Tiny Studies]"
         "(https://arxiv.org/abs/2001.00007).", []),
        # a heading that is a sentence asking to cite the work heads no citation section: a table of data follows
        ("###### We would be happy to know if the resource helps your work, so please cite our work\n\n"
         "| Data | Size |\n|---|---|\n| [TinyQA](https://doi.org/10.1/tinyqa) | 7,974 |", []),
        ("## Citation\n\nPlease cite [Tiny Alignment](https://doi.org/10.1/tinyalign).",
         ["https://doi.org/10.1/tinyalign"]),
    ],
)
def test_the_original_paper_and_a_sentence_for_a_citation_heading(body, papers):
    assert facts_of(f"# m\n\n{body}\n")["papers"] == papers


def test_a_derivative_first_described_in_this_paper_cites_its_base_or_objective():
    card = ("# m\n\nThis model is warm started from [tiny-fa](https://huggingface.co/someorg/tiny-fa). It was pretrained "
            "with a masked language model objective. This was first described in this [paper]"
            "(https://arxiv.org/abs/2001.00006).\n")
    assert facts_of(card)["papers"] == []
    assert facts_of(card.replace("This model is warm started from [tiny-fa](https://huggingface.co/someorg/tiny-fa). ",
                                 ""))["papers"] == ["arxiv:2001.00006"]


def test_a_cited_title_finds_its_proceedings_link_and_our_paper_is_the_one_link_of_its_sentence():
    # the BibTeX entry gives no URL; the card's link whose text is the entry's title is on a proceedings site
    cited = ("# m\n\nFor the pre-training objective, refer to [How Tiny Objectives Shape Models]"
             "(https://aclanthology.org/2022.tiny-1.16/).\n\nIf you use this model, please cite the following paper:"
             "\n\n```\n@inproceedings{tiny22,\n  title = {How Tiny Objectives Shape Models},\n  year = {2022}\n}\n```\n")
    assert facts_of(cited)["papers"] == ["https://aclanthology.org/2022.tiny-1.16"]
    assert facts_of(cited.split("If you use")[0])["papers"] == []
    # "Our paper about X ... [a journal's page]": the sentence's one link; not a venue's front page, not a tweet
    assert facts_of("# m\n\n- **May 2022**: Our paper about TinyBERTje was published in [volume 3 of a journal]"
                    "(https://journal.example.org/article/view/7)!\n")["papers"] == ["https://journal.example.org/article/view/7"]
    assert facts_of("# m\n\nThis model comes from our paper `TINY` submitted to the [TINY 2022 workshop]"
                    "(https://tiny2022.example.org/).\n")["papers"] == []
    assert facts_of("# m\n\nFor a summary of our paper, see this [tweet](https://twitter.com/someone/status/1).\n"
                    )["papers"] == []
    assert facts_of("# m\n\nOur paper compares [one model](https://example.org/a) and [another](https://example.org/b)"
                    ".\n")["papers"] == []


@pytest.mark.parametrize(
    ("sentence", "papers"),
    [
        ("Check our [NAACL paper](https://www.aclweb.org/anthology/N19-0001.pdf) for the results.",
         ["https://www.aclweb.org/anthology/N19-0001.pdf"]),
        ("See our [dataset paper](https://aclanthology.org/2022.data-1.1) for the corpus.", []),
        ("Check the [NAACL paper](https://aclanthology.org/2019.other-1.1) of the baseline.", []),
    ],
)
def test_our_paper_named_by_its_venue(sentence, papers):
    assert facts_of(f"# m\n\n{sentence}\n")["papers"] == papers


@pytest.mark.parametrize(
    "sentence",
    ["The source code to train this model is available on the [GitHub repository](https://github.com/someone/bench) "
     "of the paper.",
     "The code used to train the TinyNLI models can be found [here](https://github.com/someone/bench)."],
)
def test_the_code_to_train_this_model_is_its_training_code(sentence):
    assert roles(facts_of(f"# m\n\n{sentence}\n")) == {"https://github.com/someone/bench": "training"}


def test_based_of_names_a_base_and_a_training_method_is_no_base():
    assert facts_of("# m\n\nFine-tuned Stable Diffusion model, based of ```SD 1.5```, trained on my drawings.\n"
                    )["base_models"] == ["SD 1.5"]
    assert facts_of("# m\n\nThis concept is a fine-tuned version of Dreambooth text-to-image model.\n"
                    )["base_models"] == []


@pytest.mark.parametrize(
    ("sentence", "bases"),
    [
        ("This is a fine-tuned Stable Diffusion model trained on stills of an old cartoon.", ["Stable Diffusion"]),
        ("This is a fine-tuned Stable Diffusion model trained from the 1986 film Tiny.", ["Stable Diffusion"]),
        # a more precise naming wins over "a fine-tuned BERT model"
        ("Tiny-NER is a fine-tuned BERT model. It is a bert-base-cased model that was fine-tuned on news.",
         ["bert-base-cased"]),
        ("Tiny is a fine-tuned NER model for invoices.", []),
        ("The images were trained from the 2005 archive of a museum.", []),
    ],
)
def test_a_fine_tuned_named_model_is_the_vaguest_base_and_a_year_is_none(sentence, bases):
    assert facts_of(f"# m\n\n{sentence}\n")["base_models"] == bases


def test_the_language_of_a_wikipedia_is_kept_as_written():
    facts = facts_of("# m\n\n## Training data\n\nThis is a RoBERTa model pre-trained on Tinyese Wikipedia texts.\n")
    assert names(facts) == ["Tinyese Wikipedia"]
    facts = facts_of("# m\n\n## Training data\n\nThe model was pre-trained on the Wikipedia of 2020.\n")
    assert names(facts) == ["Wikipedia"]


def test_the_stated_place_of_the_training_data_is_data_not_code():
    card = ("# m\n\nTraining data can be found in https://github.com/someone/tiny/tree/"
            "main/data/labels\n\nTraining scripts can be found in https://github.com/someone/tiny\n")
    facts = facts_of(card)
    assert roles(facts) == {"https://github.com/someone/tiny": "training"}
    assert names(facts) == ["https://github.com/someone/tiny/tree/main/data/labels"]


def test_dataset_links_that_the_model_was_trained_from():
    card = ("# m\n\nThe original model is from `tiny-base-uncased`.\nModels are post-trained from [Tiny Reviews "
            "Dataset](https://reviews.example.org/data/) and [Tiny Forum Dataset](https://forum.example.org/dataset/)."
            "\n")
    facts = facts_of(card)
    assert names(facts) == ["Tiny Reviews Dataset", "Tiny Forum Dataset"]
    assert facts["base_models"] == ["tiny-base-uncased"]


@pytest.mark.parametrize(
    ("sentence", "bases"),
    [
        ("This is a [tiny-base](https://huggingface.co/tiny-base) model that was further trained using masked "
         "language modelling on lab notes.", ["tiny-base"]),
        ("Continued pretrained from the tiny-roberta-base with a Nordic corpus.", ["tiny-roberta-base"]),
        ("A diffusion model pretrained from `someone/tiny-v4.0` on my drawings.", ["someone/tiny-v4.0"]),
        ("The model was pretrained from scratch on lab notes.", []),
    ],
)
def test_further_trained_and_pretrained_from_name_the_base(sentence, bases):
    assert facts_of(f"# m\n\n{sentence}\n")["base_models"] == bases


# ---- checkpoints ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("We currently provide three checkpoints, `gen-v1-1.ckpt`, `gen-v1-2.ckpt` and `gen-v1-3.ckpt`, trained "
         "for 100k, 200k and 300k steps.", "mentioned"),
        ("We currently provide the following checkpoints:\n- `base.ckpt`: 100k steps\n- `depth.ckpt`: a depth "
         "model", "none"),
        ("Checkpoints are available in PyTorch formats.", "none"),
        ("The training logs and checkpoints are available [here](https://example.org/logs).", "mentioned"),
        ("| Epoch | Step | Loss |\n|---|---|---|\n| 1 | 500 | 0.3 |", "none"),
        # weight files of one run named by their steps, on lines about steps
        ("- `pixel-5000.ckpt` for the checkpoint trained on 5,000 steps.\n- `pixel-10000.ckpt` for the one trained on "
         "10,000 steps.", "mentioned"),
        ("Files: pixel_step_2500.ckpt and pixel_step_3500.ckpt, two stages of the training.", "mentioned"),
        # one file of a run; two versions that are no steps of one run
        ("- `pixel-5000.ckpt`: trained for 5,000 steps.", "none"),
        ("- `pixel-v1.ckpt`: 20 steps of sampling give good images\n- `pixel-v2.ckpt`: use 30 steps", "none"),
        # a model's final weights, however they are called
        ("All pre-trained checkpoints were published with the same 224x224 input resolution.", "none"),
        ("The vendor released ready-to-use IPU-trained model checkpoints and configuration files.", "none"),
        ("We release all intermediate checkpoints of the run.", "mentioned"),
    ],
)
def test_checkpoint_statements(body, status):
    assert facts_of(f"# m\n\n{body}\n")["checkpoints"] == status


@pytest.mark.parametrize(
    ("sentence", "bases"),
    [
        # the Trainer template links whatever path it was given as if it were a Hub id: the path is the base
        ("This model is a fine-tuned version of [/models/tiny-base-book](https://huggingface.co//models/tiny-base-book)"
         " on the someone/notes dataset.", ["/models/tiny-base-book"]),
        ("This model is a fine-tuned version of [./tiny-enc/](https://huggingface.co/./tiny-enc/) on the None dataset.",
         ["./tiny-enc"]),
        # a rooted path, and one of three parts or more, are no Hub id even where the first two parts could be one
        ("This model is a fine-tuned version of [/data/run1/out/checkpoint-900/](https://huggingface.co//data/run1/out/"
         "checkpoint-900/) on the None dataset.", ["/data/run1/out/checkpoint-900"]),
        ("This model is a fine-tuned version of [runs/tiny/checkpoint-50](https://huggingface.co/runs/tiny/"
         "checkpoint-50) on the None dataset.", ["runs/tiny/checkpoint-50"]),
        ("This model is a fine-tuned version of [models/tiny_xlmr](https://huggingface.co/models/tiny_xlmr) on "
         "Welsh text.", ["models/tiny_xlmr"]),
        ("See [docs/intro](https://huggingface.co/docs/intro) for how this fine-tuned model is used.", []),
        ("The base language model used is the [tiny-roberta-base](https://huggingface.co/tiny-roberta-base).",
         ["tiny-roberta-base"]),
        # the link's sentence ends before a paper's link: that is no "architecture" or "paper" of the base
        ("*tiny-led-arxiv* is the official fine-tuned version of [tiny-led](https://huggingface.co/someorg/tiny-led). "
         "As presented in the [paper](https://arxiv.org/abs/2001.00001), it summarises well.", ["someorg/tiny-led"]),
        ("This model is based on the [tiny-led](https://huggingface.co/someorg/tiny-led) architecture.", []),
        # a sentence of its own that opens with "Base model", with no colon
        ("Base model [someorg/tiny-opt](https://huggingface.co/someorg/tiny-opt)\n\nTrained for chat on "
         "transcripts.", ["someorg/tiny-opt"]),
        # a quantized copy's card names the full-precision model it comes from
        ("This is an INT8 model quantized with a toolkit.\n\nThe original fp32 model comes from the fine-tuned "
         "model [tiny-enc-mrpc](https://huggingface.co/someorg/tiny-enc-mrpc).", ["someorg/tiny-enc-mrpc"]),
        # a card's list of settings names the pretrained model it used
        ("## Settings\n\n  - Pretrained model used: tiny-mt5\n  - Learning rate: 1e-4", ["tiny-mt5"]),
        ("Pixel was warm-started with [Gen v1-5](https://huggingface.co/someorg/gen-v1-5) and fine-tuned on art.",
         ["someorg/gen-v1-5"]),
        # a longer lineage: the model training went on from is the immediate parent
        ("Pixel was initialised from [Gen v1-5](https://huggingface.co/someorg/gen-v1-5) and fine-tuned on art.\n\n"
         "Version 3 continued training from [Pixel v2](https://huggingface.co/someorg/pixel-v2) with more photos.",
         ["someorg/pixel-v2"]),
        ("Pixel was warm-started with [Gen v1-5](https://huggingface.co/someorg/gen-v1-5) and continued fine-tuned "
         "from [Pixel v2](https://huggingface.co/someorg/pixel-v2).", ["someorg/pixel-v2"]),
    ],
)
def test_local_paths_a_base_language_model_warm_starts_and_the_immediate_parent(sentence, bases):
    assert facts_of(f"# m\n\n{sentence}\n")["base_models"] == bases


@pytest.mark.parametrize(
    ("body", "base"),
    [
        ("This is the fine-tuned Pixel Gen 1.5 model trained on screenshots of a cartoon.", "Pixel Gen 1.5"),
        ("The weights are initialized from pretrained Tiny-Roberta-Base and tuned on comments.", "Tiny-Roberta-Base"),
        ("This model is trained with TINY-base as the backbone with 110M parameters.", "TINY-base"),
        ("It was trained over Pixel Gen 1.5 with 6,000 images, 450 steps and 3 epochs.", "Pixel Gen 1.5"),
        ("It was trained over 3 epochs.", None),
        ("AfroTiny was created by MLM adaptation of TinyR-large model on 17 African languages.", "TinyR-large"),
        ("The model is warm started from `tiny-fa`'s [checkpoint](https://huggingface.co/someorg/tiny-fa-base).",
         "someorg/tiny-fa-base"),
        ("It is based on SomeOrg's [Tiny-MUPPET](https://huggingface.co/someorg/muppet-tiny-base).",
         "someorg/muppet-tiny-base"),
        ("- This evaluation was based on `max_length=2048` (it can go up to 4096)", None),
    ],
)
def test_base_model_named_after_the_fine_tuned_initialised_from_pretrained_and_as_the_backbone(body, base):
    facts = facts_of(f"# m\n\n{body}\n")
    assert (facts["base_models"][0] if facts["base_models"] else None) == base


@pytest.mark.parametrize(
    ("body", "base"),
    [
        # a base named in prose, then the one Hub link of a size or version of it: the Hub id names it better
        ("A fine-tuned model based on the **TinyBERTaV3** model of SomeOrg.\n\nSee [the base]"
         "(https://huggingface.co/someorg/tiny-berta-v3-base).", "someorg/tiny-berta-v3-base"),
        ("A fine-tuned model based on the **TinyBERTaV3** model of SomeOrg.\n\nCompare [a long variant]"
         "(https://huggingface.co/other/tiny-berta-v3-longformer-4096).", "TinyBERTaV3"),
        # a rate is no model, a version may be ("trained from 1.5": the card's family's 1.5)
        ("Training ran over 94 epochs with a learning rate starting from 0.225.", None),
        ("Trained from 1.5 with a VAE.", "1.5"),
        # a Stable Diffusion that a DreamBooth model was "trained on" is its base, not its data
        ("Trained on Stable Diffusion v1.5 using DreamBooth.\n\nTrained on 20 images.", "Stable Diffusion v1.5"),
        ("Textual Inversion Embedding by Some Person For PG 2.x trained on 768x768 images.", "PG 2.x"),
        ("此模型基于 [tiny-bert-chinese](https://huggingface.co/tiny-bert-chinese) 版本 BERT 模型。",
         "tiny-bert-chinese"),
        # a line that opens with a versioned name, then "fine-tuned"
        ("### First Pixel-Gen v1.5 fine-tuned for 10k steps on emoji.", "Pixel-Gen v1.5"),
        ("*Pixel Gen v2.0 fine tuned on images of a cartoon.", "Pixel Gen v2.0"),
    ],
)
def test_a_named_base_takes_the_hub_id_of_its_link_and_a_rate_is_no_base(body, base):
    facts = facts_of(f"# m\n\n{body}\n")
    assert (facts["base_models"][0] if facts["base_models"] else None) == base


def test_a_quantized_copy_names_its_full_precision_model_and_how_it_was_made():
    facts = facts_of("# m\n\nAn INT8 copy.\n\nThe original fp32 model comes from the fine-tuned model "
                     "[tiny-enc-mrpc](https://huggingface.co/someorg/tiny-enc-mrpc).\n")
    assert (facts["base_models"], facts["base_model_relation"]) == (["someorg/tiny-enc-mrpc"], "quantized")


SERIES_CARD = (
    "# What's this?\n\nOne of the models of our study of counting questions.\n\nWe release these models:\n\n"
    "- **A:** base models fine-tuned on each target set: `{base_model}-{target_dataset}`\n"
    "- **B:** base models pretrained on our synthetic set: `synth-{base_model}`\n"
    "- **C:** both, in that order: `synth-{base_model}-{target_dataset}`\n\n"
    "The `base_model` above can be from: `tiny-t5-small`, `tiny-bart`, `tiny-bart-large`.\n"
    "The `target_dataset` above can be from: `countqa`, `sumqa-gold`.\n"
)


@pytest.mark.parametrize(
    ("repo_id", "base", "datasets"),
    [
        ("someorg/tiny-bart-large-sumqa-gold", ["tiny-bart-large"], ["sumqa-gold"]),
        ("someorg/synth-tiny-t5-small-countqa", ["tiny-t5-small"], ["countqa"]),  # the longest scheme
        ("someorg/synth-tiny-bart", ["tiny-bart"], []),
        ("someorg/another-model", [], []),  # a name no scheme makes
    ],
)
def test_a_documented_naming_scheme_names_the_base_and_the_data_of_each_model_of_the_series(repo_id, base, datasets):
    facts = facts_of(SERIES_CARD, repo_id=repo_id)
    assert facts["base_models"] == base
    assert names(facts) == datasets


@pytest.mark.parametrize(
    ("sentence", "datasets"),
    [
        # "on X dataset", without "the", names X as the Trainer's "on the X dataset" does
        ("The model was fine-tuned on TinyReviews-2 dataset for three epochs.", ["TinyReviews-2"]),
        ("This classifier was trained on lab notes dataset.", ["lab notes"]),
        # what is no name: another dataset, a size
        ("This model is a fine-tuned version of [tiny-base](https://huggingface.co/tiny-base) on another dataset.", []),
        ("It was trained on around 12K lab notes dataset.", []),
        ("It was trained on a 0.7GB dataset of notes.", []),
    ],
)
def test_on_x_dataset_without_the_names_x_but_not_another_dataset_or_a_size(sentence, datasets):
    assert names(facts_of(f"# m\n\n{sentence}\n")) == datasets


@pytest.mark.parametrize(
    ("sentence", "bases"),
    [
        ("Transfer learning was employed using TinyNetV3 as the pre-trained model.", ["TinyNetV3"]),
        ("Trained on the notes using multilingual TinyBERT as the initial checkpoint.", ["multilingual TinyBERT"]),
        ("It uses [tiny-distil](https://huggingface.co/someorg/tiny-distil) as a base model and was fine-tuned.",
         ["someorg/tiny-distil"]),
        # the model itself, offered for further training; a hope; the person who made a checkpoint
        ("The model is available in the toolkit and can be used as a pre-trained checkpoint.", []),
        ("Hoping to use this as a base model for others.", []),
        ("Merged from [pixel.ckpt](https://example.org/pixel.ckpt) by [someone](https://huggingface.co/someone) as "
         "base model.", []),
    ],
)
def test_a_model_used_as_the_base_or_pre_trained_model_is_the_base(sentence, bases):
    assert facts_of(f"# m\n\n{sentence}\n")["base_models"] == bases


def test_a_cited_title_names_the_bare_link_its_list_item_labels_with_it():
    """A timm card of the paper authors' weights lists "- Title: URL" under `Papers:` and cites that title without a
    link: the URL is the paper cited for this model."""
    card = (
        "# Model card for tinynet.ab_in1k\n\nA TinyNet image classification model, trained by paper authors.\n\n"
        "- **Papers:**\n  - Tiny Nets for the Tiny Screens: https://arxiv.org/abs/2301.01234\n"
        "- **Original:** https://github.com/someorg/TinyNet\n\n"
        "## Citation\n```bibtex\n@article{tiny2023,\n  title = {Tiny Nets for the Tiny Screens},\n  year = {2023},\n}\n```\n"
    )
    assert facts_of(card, repo_id="timm/tinynet.ab_in1k", library_name="timm")["papers"] == ["arxiv:2301.01234"]


def test_a_dataset_key_in_the_front_matter_declares_the_data_when_datasets_is_absent():
    assert names(facts_of("---\ndataset:\n- someorg/lab_notes\n---\n# m\n")) == ["someorg/lab_notes"]
    # `datasets` wins when both are given
    assert names(facts_of("---\ndatasets:\n- someorg/a\ndataset: b\n---\n# m\n")) == ["someorg/a"]


@pytest.mark.parametrize(
    ("sentence", "bases"),
    [
        # a bare Hub URL after "using the base model"; a Hub model link after "fine-tuned with"
        ("This model was trained using the base model https://huggingface.co/someorg/tiny-speech-cs (pre-trained "
         "from 80 thousand hours of speech).", ["someorg/tiny-speech-cs"]),
        ("The model was fine-tuned with [tiny-roberta](https://huggingface.co/tiny-roberta), using a script.",
         ["tiny-roberta"]),
        # a tool linked after "fine-tuned with" is no base; nor a toolkit "based on"; nor a count
        ("A model derived from StableDiffusion 1.5, fine-tuned with [Tiny-trainer](https://github.com/someone/"
         "Tiny-trainer) on card art.", ["StableDiffusion 1.5"]),
        ("## TinySpeech model (based on ESPnet2)\n\nA speech synthesis model.", []),
        ("Classifies facades based on 12 distinct classes.", []),
    ],
)
def test_a_base_named_by_a_bare_link_or_a_tuning_link_but_not_a_toolkit_or_a_count(sentence, bases):
    assert facts_of(f"# m\n\n{sentence}\n")["base_models"] == bases


@pytest.mark.parametrize(
    ("sentence", "datasets"),
    [
        ("This model is a fine-tuned version of [tiny-base](https://huggingface.co/tiny-base) on a very small subset "
         "of NOTES dataset.", ["NOTES"]),
        ("A fine-tuned version of [tiny-base](https://huggingface.co/tiny-base) trained on the *Lab Notes Sprint* "
         "dataset (2022).", ["Lab Notes Sprint"]),
        # emphasis around name and "dataset" both: an aside; "large-scale" describes, it names nothing
        ("We ran a check of fine-tuned models on the **Notes dataset**, with the results below.", []),
        ("The model was trained on a subset of the large-scale dataset\nwhich holds captions.", []),
    ],
)
def test_on_a_subset_of_x_dataset_and_an_emphasised_name(sentence, datasets):
    assert names(facts_of(f"# m\n\n{sentence}\n")) == datasets


def test_a_version_written_onto_a_declared_dataset_is_that_dataset():
    card = "---\ndatasets:\n- notes\n---\n# m\n\nA fine-tuned version of tiny-base on the notesV1 dataset.\n"
    assert names(facts_of(card)) == ["notes"]
    # and a declared versioned dataset, named without its version
    card = "---\ndatasets:\n- someorg/tiny_voice_8_0\n---\n# m\n\nFine-tuned on the tiny_voice dataset.\n"
    assert names(facts_of(card)) == ["someorg/tiny_voice_8_0"]


def test_a_well_known_corpus_name_inside_a_longer_name_is_not_that_corpus():
    card = ("# m\n\nThis model was pretrained on a web corpus, following the approach described in the paper "
            "**COCO-DR: Combating Shifts**.\n")
    assert names(facts_of(card)) == []
    assert names(facts_of(card.replace("COCO-DR: ", "MS COCO. "))) == ["MS COCO"]


def test_a_paper_that_proposed_the_model_this_one_was_tuned_from_is_not_its_paper():
    card = ("# m\n\nTinyLM-L6 model proposed in [TinyLM: Small Models](https://arxiv.org/abs/2301.01234) that we "
            "fine-tune on translation ratings.\n")
    assert facts_of(card)["papers"] == []
    # the same sentence without the fine-tuning is the model's own paper
    assert facts_of("# m\n\nTinyLM-L6 model proposed in [TinyLM: Small Models](https://arxiv.org/abs/2301.01234).\n"
                    )["papers"] == ["arxiv:2301.01234"]


def test_a_bibtex_entry_for_the_model_presented_here_is_its_paper():
    card = ("# m\n\n## Reference\nThe model and fine-tuning data presented here were developed as part of:\n"
            "```bibtex\n@inproceedings{tiny-2021,\n    title = \"Tiny models for old letters\",\n"
            "    url = \"https://aclanthology.org/2021.tiny-1.3\",\n}\n```\n")
    assert facts_of(card)["papers"] == ["https://aclanthology.org/2021.tiny-1.3"]


def test_sibling_repositories_of_the_run_at_other_epochs_are_its_checkpoints():
    card = ("# m\n\nWe fine-tuned for 3 epochs:\n\n| method | epoch 1 | epoch 2 |\n|---|---|---|\n"
            "| notes | [notes-epoch-1](https://huggingface.co/someone/notes-epoch-1) | "
            "[notes-epoch-2](https://huggingface.co/someone/notes-epoch-2) |\n")
    assert facts_of(card, repo_id="someone/notes-epoch-3")["checkpoints"] == "mentioned"
    # a repository whose name holds no epoch, or links of another run, says nothing about checkpoints
    assert facts_of(card, repo_id="someone/notes")["checkpoints"] == "none"
    assert facts_of(card, repo_id="someone/letters-epoch-3")["checkpoints"] == "none"


@pytest.mark.parametrize(
    ("readme", "base"),
    [
        # the card's title or first sentence opens with what was fine-tuned
        ("TinyLMv2 fine-tuned on the Tiny-Forms dataset. Code is on GitHub.\n", "TinyLMv2"),
        ("# TINY-mini model finetuned with a new optimizer\n\nIt was tuned on a benchmark.\n", "TINY-mini"),
        ("A TinyBERTa-model finetuned on children's books.\n", "TinyBERTa"),
        ("# TinyLM Large fine-tuned on web pages\n", "TinyLM Large"),
        # not a model's name: a plain word, a clause, a line further down the card
        ("Causality detection model fine-tuned on self-labelled data.\n", None),
        ("When fine-tuned on downstream tasks, this model achieves the results below.\n", None),
        ("# m\n\nA model for tagging.\n\nIt tags words.\n\nIt is fast.\n\n### TINY base fine-tuned for NER\n", None),
    ],
)
def test_a_name_opening_the_card_then_fine_tuned_is_the_base(readme, base):
    facts = facts_of(readme)
    assert (facts["base_models"][0] if facts["base_models"] else None) == base


@pytest.mark.parametrize(
    ("sentence", "datasets"),
    [
        # a capitalised name with a number and no hyphen: "TW300", "TinyLingua107", "TSJ0-2Mix"
        ("## Training data\nThis model was fine-tuned on TW300", ["TW300"]),
        ("It was trained on TinyLingua107, a speech corpus.", ["TinyLingua107"]),
        ("It was trained on TSJ0-2Mix.", ["TSJ0-2Mix"]),
        # hardware, a model, and the start of a longer name are no such dataset
        ("It was trained on TPUv3-8 machines.", []),
        ("It was trained on A100 GPUs.", []),
        ("It was fine-tuned on GPT2 outputs.", []),
        ("It was fine-tuned on the Glacier2 Modding Forum.", []),
        # a name and its abbreviation are one dataset
        ("It was trained on TC9, BioTiny and [Tiny Clinical Challenges (TC9)](https://example.org/tc9).",
         ["TC9", "BioTiny"]),
    ],
)
def test_numbered_names_without_a_hyphen_and_a_name_with_its_abbreviation(sentence, datasets):
    assert names(facts_of(f"# m\n\n{sentence}\n")) == datasets


def test_a_dataset_link_the_model_was_tuned_for_a_task_on_is_its_data():
    facts = facts_of("Fine tuned for donation detection on the [Tiny Persuasion Dataset](https://gitlab.com/someone/"
                     "tinypersuasion) (Someone et al., 2019):\n")
    assert names(facts) == ["Tiny Persuasion Dataset"]
    assert roles(facts) == {}
    facts = facts_of("Fine tuned for donation detection and evaluated on the [Tiny Persuasion Dataset]"
                     "(https://example.org/tinypersuasion).\n")
    assert names(facts) == []



@pytest.mark.parametrize(
    ("readme", "papers"),
    [
        # the card opens with its paper: the title as a heading, or a paragraph of its own under a line about it
        ("# [Tiny State Space](https://arxiv.org/abs/2206.00001)\n\nA small model.\n", ["arxiv:2206.00001"]),
        ("An evaluator of our EMNLP work\n\n*[Towards a Tiny Evaluator](https://arxiv.org/abs/2210.00001)*\n\n"
         "It scores text.\n", ["arxiv:2210.00001"]),
        # a research repository's badge, and the weights of a paper's authors
        ("[[Paper]](https://arxiv.org/abs/2209.00001) [[Code]](https://github.com/someone/tiny)\n", ["arxiv:2209.00001"]),
        ("These are model weights originally provided by the authors of the paper [Tiny Captions]"
         "(https://arxiv.org/abs/2211.00001).\n", ["arxiv:2211.00001"]),
        # not: a link further down, the second paper of the opening, a link a wrapped sentence puts on its own line
        ("# m\n\nA model.\n\nIt tags.\n\n[Tiny Attention](https://arxiv.org/abs/2206.00001)\n", []),
        ("### Description\n[Tiny Det](https://arxiv.org/abs/2107.00001)\n\n[Slicer](https://arxiv.org/abs/2202.00001)"
         "\n\nA detector.\n", ["arxiv:2107.00001"]),
        ("# Tiny-base for Welsh\n\nA Tiny-base pretrained on Welsh. The Tiny architecture is described in\n"
         "[Tiny Attention](https://arxiv.org/abs/2206.00001)\nand first released on GitHub.\n", []),
    ],
)
def test_the_paper_a_card_opens_with_a_paper_badge_and_the_paper_authors_weights(readme, papers):
    assert facts_of(readme, repo_id="someone/tiny-base-welsh")["papers"] == papers


def test_a_training_data_table_row_names_its_dataset_by_the_link_that_opens_it_with_the_datasets_paper_and_no_code():
    card = ("# m\n\n#### Training data\n\n| Dataset | Paper | Pairs |\n|---|---|---|\n"
            "| [Tiny QA](https://github.com/someone/tinyqa) (Question, Answer) pairs | "
            "[paper](https://arxiv.org/abs/2102.00001) | 64,371 |\n"
            "| Forum chat logs | [code](https://github.com/someone/tool) | 5,000 |\n")
    facts = facts_of(card)
    assert names(facts) == ["Tiny QA", "Forum chat logs"]
    assert facts["papers"] == []  # the paper of a dataset the row names
    assert roles(facts) == {"https://github.com/someone/tool": "other"}  # a link in a later cell is no dataset
    # a "[paper]" link elsewhere is still this model's
    assert facts_of("# m\n\n## Results\n\n| Task | Paper |\n|---|---|\n| QA | [paper](https://arxiv.org/abs/2102.00001) "
                    "|\n")["papers"] == ["arxiv:2102.00001"]


def test_the_speech_trainers_upper_case_hub_id_and_configuration_names_the_dataset_by_its_fuller_id():
    sentence = ("This model is a fine-tuned version of [./checkpoint-600](https://huggingface.co/./checkpoint-600) on "
                "the SOMEORG/TINY_VOICE_7_0 - FR dataset.")
    assert names(facts_of(f"# m\n\n{sentence}\n")) == ["someorg/tiny_voice_7_0"]
    # the legacy id the front matter declares is that dataset, without its release number
    assert names(facts_of(f"---\ndatasets:\n- tiny_voice\n---\n# m\n\n{sentence}\n")) == ["someorg/tiny_voice_7_0"]


@pytest.mark.parametrize(
    ("body", "papers"),
    [
        # an item of a card's list of resources names its paper
        ("## Resources\n\n- [Associated Paper](https://arxiv.org/abs/2110.00001)\n- [GitHub](https://github.com/a/b)",
         ["arxiv:2110.00001"]),
        ("- **Resources:** [Research Paper](https://arxiv.org/abs/2012.00001)", ["arxiv:2012.00001"]),
        # the same words in prose, as a card template writes them about hardware, do not
        ("## Emissions\n\nWe present the hardware type based on the [associated paper](https://arxiv.org/pdf/2105.00001"
         ".pdf).", []),
    ],
)
def test_a_listed_associated_or_research_paper_is_this_models(body, papers):
    assert facts_of(f"# m\n\n{body}\n")["papers"] == papers


@pytest.mark.parametrize(
    ("readme", "base"),
    [
        ("# m\n\nFinetuning `tiny-base-multilingual-cased` with the training set of `tiny_qa`.\n",
         "tiny-base-multilingual-cased"),
        ("# m\n\nFine-tuning on the Tiny dataset for two epochs.\n", None),
        # a local folder that the Trainer links as a Hub id is named without its trailing slash
        ("# m\n\nThis model is a fine-tuned version of [models/tiny_xlmr/](https://huggingface.co/models/tiny_xlmr/) "
         "on an unknown dataset.\n", "models/tiny_xlmr"),
    ],
)
def test_an_opening_finetuning_of_a_named_model_and_a_local_folders_trailing_slash(readme, base):
    facts = facts_of(readme)
    assert (facts["base_models"][0] if facts["base_models"] else None) == base


def test_the_x_dataset_after_a_long_linked_base_and_the_baseline_trainers_title():
    base = "someorg/tiny-encoder-base-wiki-20210520-spm-finetune-qa-with-a-long-name"
    sentence = (f"This model is a fine-tuned version of [{base}](https://huggingface.co/{base}) on the tiny_wiki_qa "
                "dataset.")
    assert names(facts_of(f"# m\n\n{sentence}\n")) == ["tiny_wiki_qa"]
    card = "---\ntags:\n- baseline-trainer\n---\n\n## Baseline Model trained on tipsx1y2 to apply classification on sex\n"
    assert names(facts_of(card)) == ["tipsx1y2"]


@pytest.mark.parametrize(
    ("sentence", "base"),
    [
        ("Tiny-dense 2.7B-Jane is a finetune created using SomeLab's GPT-Tiny 6B model.", "GPT-Tiny 6B"),
        ("This is a finetune of TinyRWKV-v4 430m on `chat` dataset.", "TinyRWKV-v4"),
        # a name just before "fine tuned", without an article
        ("# Dreamy Diffusion 1.0 is PG 1.5 fine tuned on high quality art.", "PG 1.5"),
        ("This model is `tiny-large-50` model fine-tuned on the text part of a corpus.", "tiny-large-50"),
        # a model compared with is no base
        ("The model used as reference is TINYBERT finetuned on a QA set.", None),
    ],
)
def test_a_finetune_created_using_a_model_and_a_name_before_fine_tuned_without_an_article(sentence, base):
    facts = facts_of(f"# m\n\nSome words first.\n\nMore words.\n\n{sentence}\n")
    assert (facts["base_models"][0] if facts["base_models"] else None) == base


@pytest.mark.parametrize(
    ("body", "base"),
    [
        # a copy of the same weights in another format names the original
        ("PaddlePaddle version of [tiny-t5](https://huggingface.co/someorg/tiny-t5), please refer to the original.",
         "someorg/tiny-t5"),
        ("# ONNX export of Adapter `SomeHub/tiny-pf-rc` for tiny-base", "SomeHub/tiny-pf-rc"),
        ("The TFLite version of `diffusion model` in this repository is built with glue code.", None),
        # "based off", "initialized using", and a listed training configuration
        ("Based off [someorg/tinyT5-base](https://huggingface.co/someorg/tinyT5-base).", "someorg/tinyT5-base"),
        ("We used a pretrained model; the weights were initialized using [Some-Lab](https://huggingface.co/Some-Lab/"
         "tiny-bert-msa).", "Some-Lab/tiny-bert-msa"),
        ("* **model_name_or_path**: `someone/tiny-vit-beans`\n* **quantization_approach**: dynamic",
         "someone/tiny-vit-beans"),
    ],
)
def test_format_copies_based_off_initialized_using_and_a_listed_configuration_name_the_base(body, base):
    facts = facts_of(f"# m\n\n{body}\n")
    assert (facts["base_models"][0] if facts["base_models"] else None) == base


@pytest.mark.parametrize(
    ("body", "base"),
    [
        ("Base model is Tiny Diffusion v1.5 and was trained using Dreambooth with 60 images.", "Tiny Diffusion v1.5"),
        ("This base model is intended for research.", None),
        ("A TinyBERTa-base model that is fine-tuned on the Tiny Times corpus.", "TinyBERTa-base"),
        ("A TinyForSequenceClassification model that is fine-tuned on the Tiny Times corpus.", None),  # a class
        # a link in parentheses after a name shaped like a model's; not after other words
        ("This model is based on the small OpenAI Tiny-2 ([`tiny2`](https://huggingface.co/tiny2)) model.", "tiny2"),
        ("It was based on the results of ([a run](https://huggingface.co/someone/x)).", None),
        # "the full model" names none
        ("Retrained embeddings and additional fine-tuning of the full model.", None),
    ],
)
def test_base_model_is_that_is_fine_tuned_a_parenthesised_link_and_the_full_model(body, base):
    facts = facts_of(f"# m\n\n{body}\n")
    assert (facts["base_models"][0] if facts["base_models"] else None) == base
