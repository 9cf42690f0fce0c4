"""README's cost section is what the saved measurement renders to
(bench/cost.py; re-render with ``python bench/cost.py --load
bench/cost-measurement.json --write-readme``, measure anew with
``--write-readme`` alone)."""
import json

from bench import cost


def test_the_readme_cost_section_is_the_saved_measurement_rendered():
    measurement = json.loads(cost.MEASUREMENT.read_text())
    assert cost.readme_section() == cost.render(measurement, cost.model(measurement))

