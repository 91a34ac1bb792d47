"""A risk's scores (probability × impact) are computed by the database (GeneratedField), on the
risk and on its history entries, instead of by ``Risk.save()`` and each batch service.

A field cannot be altered into a generated one, so each score is dropped and added back as a
generated column; the values come back the same (they were always the product). The indexes that
cover ``residual_score`` are dropped first and made again with the same names and columns
(docs/adr/0016-raid-registers.md). Going back restores stored scores and fills them in."""

from django.db import migrations, models

SCORES = {
    "inherent_score": ("inherent_probability", "inherent_impact"),
    "residual_score": ("residual_probability", "residual_impact"),
}
INDEXES = [
    models.Index(fields=["status", "residual_score"], name="risk_status_score"),
    models.Index(fields=["status", "category", "residual_score"], name="risk_status_category"),
]


def score(probability: str, impact: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=models.F(probability) * models.F(impact),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )


def fill_stored_scores(apps, schema_editor) -> None:
    """Going back: the plain score columns come back empty; fill them with the product."""
    for model in ("Risk", "HistoricalRisk"):
        apps.get_model("raid", model).objects.update(
            **{
                name: models.F(probability) * models.F(impact)
                for name, (probability, impact) in SCORES.items()
            }
        )


class Migration(migrations.Migration):
    dependencies = [("raid", "0004_shorten_over_long_text")]

    operations = [
        *(migrations.RemoveIndex(model_name="risk", name=index.name) for index in INDEXES),
        migrations.RunPython(migrations.RunPython.noop, fill_stored_scores, elidable=True),
        *(
            migrations.RemoveField(model_name=model, name=name)
            for model in ("risk", "historicalrisk")
            for name in SCORES
        ),
        *(
            migrations.AddField(model_name=model, name=name, field=score(*factors))
            for model in ("risk", "historicalrisk")
            for name, factors in SCORES.items()
        ),
        *(migrations.AddIndex(model_name="risk", index=index) for index in INDEXES),
    ]
