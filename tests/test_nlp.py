"""The fast tokenizer path gives exactly the spaCy zh (jieba) pipeline's tokens."""
from checker.nlp import sentences, tokenize, tokenize_spacy
from conftest import CORPORA


def _paragraphs():
    out = []
    for p in sorted((CORPORA / "reports").glob("*.txt"))[:6] + [CORPORA / "heizhuanghu-2020.txt"]:
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        out += [line.strip() for line in text.splitlines() if len(line.strip()) > 20]
    return out


def test_fast_tokenizer_equals_spacy_pipeline():
    paras = _paragraphs()
    assert len(paras) > 50
    for p in paras:
        assert tokenize(p) == tokenize_spacy(p), p


def test_domain_dictionary_terms_are_single_tokens():
    words = [t.text for t in tokenize("本机关依申请公开政府信息，结转下年度办理，政务新媒体运行良好。")]
    for w in ("依申请公开", "结转下年度", "政务新媒体"):
        assert w in words


def test_token_offsets_slice_the_text():
    text = "  本单位 2020年度共收到政府信息公开申请6件，涉及涉及多个部门。"
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text and not t.text.isspace()


def test_sentences_do_not_split_urls():
    text = "详见http://www.example.gov.cn/a?b=1!c。第二句！"
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == ["详见http://www.example.gov.cn/a?b=1!c。", "第二句！"]
