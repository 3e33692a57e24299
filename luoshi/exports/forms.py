from django import forms

from luoshi.exports.models import DocumentProfile


class DocumentProfileForm(forms.ModelForm):
    class Meta:
        model = DocumentProfile
        fields = DocumentProfile.FIELDS
        help_texts = {
            "issuer": "留空则用本单位名称。",
            "title_font": "留空用标准字体：方正小标宋简体。",
            "body_font": "留空用标准字体：仿宋_GB2312。",
            "heading1_font": "留空用标准字体：黑体。",
            "heading2_font": "留空用标准字体：楷体_GB2312。",
            "heading3_bold": "标准为不加粗；部分地方规定三级标题加粗。",
            "page_number_font": "留空用标准字体：宋体。",
        }
