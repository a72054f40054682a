"""Texts of the Distill page's "your own data" box (``ui.data_upload``)."""

TEXT: dict[str, dict[str, str]] = {
    "distill.data_header": {"en": "Your own data (CSV, a zip of image folders, or a text)",
                            "zh": "使用你自己的数据（CSV、图像文件夹的 zip 压缩包或文本）"},
    "distill.data_upload": {"en": "Upload a dataset", "zh": "上传数据集"},
    "distill.data_help": {
        "en": "A CSV file: a header row, numeric feature columns and a label column (named label, class, target or "
              "y, else the last one). Or a zip with one folder per class holding its images, which are resized to "
              "28 × 28. At least 2 classes and 5 samples per class; at most {mb} MiB. 20 % of each class is kept "
              "for the test set, always the same samples. Or a UTF-8 .txt text (Chinese too) for a language model: "
              "it is cut into windows of 64 characters, the last tenth for validation. The dataset then appears in "
              "the dataset list of every page of this workspace, and only this browser can delete it.",
        "zh": "CSV 文件：第一行为表头，包含数值特征列和一个标签列（列名为 label、class、target 或 y，否则取最后一列）。"
              "或者一个 zip 压缩包，每个类别一个文件夹，里面放该类的图像，图像会被缩放为 28 × 28。至少 2 个类别，每类至少"
              " 5 个样本；文件最大 {mb} MiB。每个类别固定留出 20 % 的样本作为测试集。也可以是 UTF-8 编码的 .txt 文本（中文亦可），"
              "用于语言模型：它被切成每段 64 个字符的窗口，最后十分之一用于验证。之后该数据集会出现在此工作区每个页面的"
              "数据集列表中，只有这个浏览器可以删除它。"},
    "distill.data_invalid": {"en": "This file cannot be used: {message}", "zh": "无法使用这个文件：{message}"},
    "distill.data_kept_header": {"en": "Uploads kept in this workspace", "zh": "此工作区保存的上传数据"},
    "distill.data_kept": {"en": "{name}: from {source}, {size} on disk", "zh": "{name}：来自 {source}，占用磁盘 {size}"},
    "distill.data_delete": {"en": "Delete", "zh": "删除"},
    "distill.data_not_deleted": {"en": "Not deleted: {message}", "zh": "未删除：{message}"},
    "distill.data_ready": {"en": "Dataset {name} is ready and selected in the dataset list above.",
                           "zh": "数据集 {name} 已就绪，并已在上方的数据集列表中选中。"},
}
