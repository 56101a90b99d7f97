"""Practice forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportForm(FlaskForm):
    csv_file = FileField(
        "Practice demographics CSV",
        description="Columns: ods_code, name, nation, region, list_size, pct_65_plus, imd_score, "
        "imd_decile, pct_rural, data_date. Existing practices are updated by ODS code.",
        validators=[FileRequired("Choose a CSV file to import")],
    )
